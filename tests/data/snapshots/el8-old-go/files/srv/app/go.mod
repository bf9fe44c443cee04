module example.com/app

go 1.21.1

toolchain go1.21.13
