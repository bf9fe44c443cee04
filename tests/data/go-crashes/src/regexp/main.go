package main

import "regexp"

var route = regexp.MustCompile(`^/api/(v1|v2/`)

func main() {
	println(route.String())
}
