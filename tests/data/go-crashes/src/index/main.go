package main

import "os"

func pick(xs []string, i int) string {
	return xs[i]
}

func main() {
	println(pick(os.Args, 3))
}
