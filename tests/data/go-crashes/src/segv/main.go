package main

/*
#include <stddef.h>
static void crash(void) { *(volatile int *)NULL = 1; }
*/
import "C"

func main() {
	C.crash()
}
