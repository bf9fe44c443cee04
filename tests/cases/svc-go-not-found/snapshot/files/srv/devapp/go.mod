module example.com/devapp

go 1.22
