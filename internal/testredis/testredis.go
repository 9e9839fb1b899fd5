// Package testredis starts a real redis-server for tests. There are no
// fakes: when redis-server cannot be started the test is skipped locally
// and fails under CI=true, with the command that fixes it.
package testredis

import (
	"bufio"
	"fmt"
	"github.com/routerisk/routerisk/internal/testenv"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a redis-server process owned by one test.
type Server struct {
	Addr string
	cmd  *exec.Cmd
}

// URL returns the redis:// URL of the server, database 0.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Start runs a fresh redis-server on a free loopback port for the test and
// stops it when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t)
}

// start runs redis-server with extra arguments.
func start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		testenv.Unavailable(t, "redis-server is not installed; install it with: apt-get install -y redis-server")
	}
	port := freePort(t)
	dir := t.TempDir()
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}, extra...)
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		testenv.Unavailable(t, fmt.Sprintf("starting redis-server: %v", err))
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ping(s.Addr) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
	t.Fatalf("redis-server on %s did not answer PING within 10s; log:\n%s", s.Addr, log)
	return nil
}

// Cluster is a Redis Cluster of masters without replicas, owned by one test.
type Cluster struct {
	Nodes []*Server
}

// URL returns the cluster's URL: every node, comma-separated.
func (c *Cluster) URL() string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr
	}
	return "redis://" + strings.Join(addrs, ",")
}

// StartCluster runs n redis-server processes in cluster mode on free
// loopback ports, joins them with `redis-cli --cluster create` (every
// node a master, the 16384 slots split between them) and waits until the
// cluster says its state is ok.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		testenv.Unavailable(t, "redis-cli is not installed; install it with: apt-get install -y redis-server (it brings redis-tools)")
	}
	c := &Cluster{}
	var addrs []string
	for range n {
		s := start(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")
		c.Nodes = append(c.Nodes, s)
		addrs = append(addrs, s.Addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, s := range c.Nodes {
		for {
			host, port, _ := net.SplitHostPort(s.Addr)
			out, _ := exec.Command(cli, "-h", host, "-p", port, "cluster", "info").Output()
			if strings.Contains(string(out), "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("cluster node %s not ok within 20s:\n%s", s.Addr, out)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return c
}

// Pause stops the server process (SIGSTOP): connections are accepted by
// the kernel but never answered, like a hung Redis.
func (s *Server) Pause(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
}

// Resume continues a paused server.
func (s *Server) Resume(t testing.TB) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
}

// Stop kills the server for good.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
