package push

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// InstanceIPGroupingKey returns a grouping key {"instance": ip} holding the local IP address
// through which this host reaches the gateway at gatewayURL, for jobs that run on several
// hosts and should each keep their own group. It asks the operating system for the route with
// a UDP socket that sends nothing. An empty gatewayURL asks for the route to "localhost", as
// the Python client's instance_ip_grouping_key does.
func InstanceIPGroupingKey(gatewayURL string) (map[string]string, error) {
	host := "localhost"
	if gatewayURL != "" {
		u := gatewayURL
		if !strings.Contains(u, "://") {
			u = "http://" + u
		}
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("push: gateway URL %q: %w", gatewayURL, err)
		}
		if parsed.Hostname() != "" {
			host = parsed.Hostname()
		}
	}
	conn, err := net.Dial("udp", net.JoinHostPort(host, "9"))
	if err != nil {
		return nil, fmt.Errorf("push: finding the local address towards %s: %w", host, err)
	}
	defer conn.Close()
	ip := conn.LocalAddr().(*net.UDPAddr).IP
	return map[string]string{"instance": ip.String()}, nil
}
