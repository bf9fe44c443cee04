package main

import (
	"fmt"

	"example.com/app/util"
)

func main() { fmt.Println(util.Name) }
