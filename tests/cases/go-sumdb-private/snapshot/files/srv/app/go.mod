module example.com/app

go 1.22

require (
	git.internal/team/lib v1.2.0
	golang.org/x/sys v0.20.0
)
