package main

import (
	"example.com/tool/cmd"
	"github.com/pkg/errors"
)

func main() { cmd.Run(errors.New("x")) }
