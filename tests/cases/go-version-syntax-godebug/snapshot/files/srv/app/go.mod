module example.com/app

go 1.22

godebug default=go1.21
