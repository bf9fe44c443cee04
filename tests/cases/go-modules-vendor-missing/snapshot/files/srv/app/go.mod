module example.com/app

go 1.21

require golang.org/x/sys v0.15.0
