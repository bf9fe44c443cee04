package main

import "fmt"

func main() {
	panic(fmt.Sprintf("bad config:\n  line 3: %q", "x"))
}
