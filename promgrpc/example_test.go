package promgrpc_test

import (
	"context"
	"fmt"
	"net"

	"github.com/prom-go/prom"
	"github.com/prom-go/prom/promgrpc"
	"github.com/prom-go/prom/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// A gRPC server and its client, both instrumented, each in its own registry. The server
// serves grpc's health service; InitializeMetrics makes its methods' series exist from the
// start, at 0.
func Example() {
	serverReg, clientReg := prom.NewRegistry(), prom.NewRegistry()
	sm, err := promgrpc.NewServerMetrics(promgrpc.Opts{Registry: serverReg, NoHistogram: true})
	if err != nil {
		panic(err)
	}
	cm, err := promgrpc.NewClientMetrics(promgrpc.Opts{Registry: clientReg, NoHistogram: true})
	if err != nil {
		panic(err)
	}

	srv := grpc.NewServer(
		grpc.ChainUnaryInterceptor(sm.UnaryServerInterceptor()),
		grpc.ChainStreamInterceptor(sm.StreamServerInterceptor()),
	)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	sm.InitializeMetrics(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(ln)
	defer srv.Stop()

	conn, err := grpc.NewClient(ln.Addr().String(),
		grpc.WithChainUnaryInterceptor(cm.UnaryClientInterceptor()),
		grpc.WithChainStreamInterceptor(cm.StreamClientInterceptor()),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)
	client.Check(context.Background(), &healthpb.HealthCheckRequest{})
	client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: "nope"})

	for _, side := range []struct {
		reg  *prom.Registry
		name string
	}{{serverReg, "grpc_server_handled_total"}, {clientReg, "grpc_client_handled_total"}} {
		for _, code := range []string{"OK", "NotFound"} {
			v, _ := testutil.SampleValue(testutil.FromRegistry(side.reg), side.name, "grpc_type", "unary",
				"grpc_service", "grpc.health.v1.Health", "grpc_method", "Check", "grpc_code", code)
			fmt.Printf("%s %s: %v\n", side.name, code, v)
		}
	}
	fmt.Println("server series of handled:", testutil.CountSeries(testutil.FromRegistry(serverReg), "grpc_server_handled_total"))
	// Output:
	// grpc_server_handled_total OK: 1
	// grpc_server_handled_total NotFound: 1
	// grpc_client_handled_total OK: 1
	// grpc_client_handled_total NotFound: 1
	// server series of handled: 51
}
