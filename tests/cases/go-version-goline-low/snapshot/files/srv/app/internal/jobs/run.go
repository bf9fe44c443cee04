package jobs

func Run() {
	for i := range 3 {
		println(i)
	}
}
