package cmd

func Run(err error) {}
