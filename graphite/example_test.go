package graphite_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/graphite"
)

// fakeCarbon listens like carbon's line receiver and returns its address and the lines it
// will have read, without their timestamps, once the connection closes.
func fakeCarbon() (string, <-chan []string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	out := make(chan []string, 1)
	go func() {
		defer ln.Close()
		c, err := ln.Accept()
		if err != nil {
			panic(err)
		}
		var lines []string
		s := bufio.NewScanner(c)
		for s.Scan() {
			f := strings.Fields(s.Text())
			lines = append(lines, f[0]+" "+f[1])
		}
		out <- lines
	}()
	return ln.Addr().String(), out
}

// Labels folded into the path, the default.
func ExampleBridge_Push() {
	addr, lines := fakeCarbon()

	reg := prom.NewRegistry()
	reg.SetCreatedSeries(false)
	requests := prom.Must(prom.NewCounterVec("http_requests_total", "Requests.", []string{"method", "code"},
		prom.Opts{Registry: reg}))
	requests.With("GET", "200").Add(1027)

	b := &graphite.Bridge{Addr: addr, Registry: reg, Prefix: "prod.web-1"}
	if err := b.Push(context.Background()); err != nil {
		fmt.Println(err)
	}
	b.Stop() // pushes once more and closes the connection
	for _, l := range <-lines {
		fmt.Println(l)
	}
	// Output:
	// prod.web-1.http_requests_total.method.GET.code.200 1027
	// prod.web-1.http_requests_total.method.GET.code.200 1027
}

// Labels as Graphite 1.1 tags, pushed periodically between Start and Stop.
func ExampleBridge_Start() {
	addr, lines := fakeCarbon()

	reg := prom.NewRegistry()
	temp := prom.Must(prom.NewGaugeVec("room_temperature_celsius", "Temperature.", []string{"room"},
		prom.Opts{Registry: reg}))
	temp.With("lab 1").Set(21.5)

	b := &graphite.Bridge{Addr: addr, Registry: reg, Tags: true} // Interval: 60s by default
	if err := b.Start(); err != nil {
		fmt.Println(err)
		return
	}
	// ... the program runs; before it exits:
	if err := b.Stop(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(<-lines)
	// Output:
	// [room_temperature_celsius;room=lab_1 21.5]
}
