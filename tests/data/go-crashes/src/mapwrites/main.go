package main

func main() {
	m := map[int]int{}
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; ; j++ {
				m[j] = j
			}
		}()
	}
	select {}
}
