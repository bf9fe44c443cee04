package main

import _ "embed"

//go:embed VERSION
var version string

func main() { println(version) }
