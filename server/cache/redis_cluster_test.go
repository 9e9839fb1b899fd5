package cache

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/routerisk/routerisk/internal/testredis"
)

func TestUniversalOptions(t *testing.T) {
	cases := []struct {
		url        string
		addrs      []string
		master     string
		cluster    bool
		db         int
		tls        bool
		password   string
		wantErrSub string
	}{
		{url: "redis://127.0.0.1:6379/2", addrs: []string{"127.0.0.1:6379"}, db: 2},
		{url: "rediss://:secret@cache.example.org:6380/0", addrs: []string{"cache.example.org:6380"}, tls: true, password: "secret"},
		{url: "redis://a:7000,b:7001,c:7002", addrs: []string{"a:7000", "b:7001", "c:7002"}, cluster: true},
		{url: "redis://:pw@a:7000,b:7001", addrs: []string{"a:7000", "b:7001"}, cluster: true, password: "pw"},
		{url: "redis://a:7000?addr=b:7001&addr=c:7002", addrs: []string{"a:7000", "b:7001", "c:7002"}, cluster: true},
		{url: "redis://s1:26379?master_name=mymaster&addr=s2:26379", addrs: []string{"s1:26379", "s2:26379"}, master: "mymaster"},
		{url: "http://a:1", wantErrSub: "use redis://"},
		{url: "a:7000,b:7001", wantErrSub: "use redis://"},
		{url: "redis://a:7000,not-a-host", wantErrSub: "not host:port"},
		{url: "redis://a:7000?colour=red&addr=b:1", wantErrSub: "cluster"},
	}
	for _, c := range cases {
		o, err := UniversalOptions(c.url)
		if c.wantErrSub != "" {
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(c.wantErrSub)) {
				t.Errorf("%s: error %v, want one saying %q", c.url, err, c.wantErrSub)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.url, err)
			continue
		}
		if !slices.Equal(o.Addrs, c.addrs) || o.MasterName != c.master || o.IsClusterMode != c.cluster || o.DB != c.db ||
			(o.TLSConfig != nil) != c.tls || o.Password != c.password {
			t.Errorf("%s: got %+v", c.url, o)
		}
	}
}

func TestRedisClusterGetSetAcrossSlots(t *testing.T) {
	cl := testredis.StartCluster(t, 3)
	// This test is about slots, not the fail-open timeout: 150 KB values
	// over three nodes get a timeout a loaded machine meets.
	r, err := NewRedis(RedisOptions{URL: cl.URL(), Timeout: 2 * time.Second, Cooldown: 300 * time.Millisecond, Prefix: "test:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	if r.Topology() != Cluster {
		t.Fatalf("topology %s for %s", r.Topology(), cl.URL())
	}
	ctx := context.Background()
	val := bytes.Repeat([]byte{0x1f, 0x8b, 7}, 50_000)
	for i := range 40 {
		key := fmt.Sprintf("{layer-%d}:v1:features:q", i)
		if err := r.Set(ctx, key, append(val, byte(i))); err != nil {
			t.Fatalf("Set %s: %v", key, err)
		}
	}
	for i := range 40 {
		key := fmt.Sprintf("{layer-%d}:v1:features:q", i)
		got, hit, err := r.Get(ctx, key)
		if err != nil || !hit || !bytes.Equal(got, append(val, byte(i))) {
			t.Fatalf("Get %s: hit %v err %v", key, hit, err)
		}
	}
	if _, hit, err := r.Get(ctx, "{layer-0}:v2:features:q"); hit || err != nil {
		t.Fatalf("a key never set: hit %v err %v", hit, err)
	}

	// The 40 layers' keys really are spread over the masters, and one
	// layer's keys (every version, every query) share one slot.
	direct := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{cl.Nodes[0].Addr}})
	defer direct.Close()
	perNode := map[string]int{}
	for _, n := range cl.Nodes {
		c := redis.NewClient(&redis.Options{Addr: n.Addr})
		keys, err := c.Keys(ctx, "test:*").Result()
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		perNode[n.Addr] = len(keys)
	}
	spread := 0
	for _, n := range perNode {
		if n > 0 {
			spread++
		}
	}
	if spread < 2 {
		t.Errorf("keys of 40 layers all on one node: %v", perNode)
	}
	slot := func(k string) int64 {
		s, err := direct.ClusterKeySlot(ctx, "test:"+k).Result()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a := slot("{incidents}:v1:features:bbox=1,2,3,4")
	for _, k := range []string{"{incidents}:v2:features:", "{incidents}:v7:values:route", "{incidents}:v3:hotspots:res=4"} {
		if slot(k) != a {
			t.Errorf("%s is not in the slot of the layer's other keys", k)
		}
	}
}

func TestRedisClusterSharedByTwoReplicas(t *testing.T) {
	cl := testredis.StartCluster(t, 3)
	ctx := context.Background()
	one := &Tiered{Local: NewLRU(1 << 20), Remote: newTestRedis(t, cl.URL())}
	two := &Tiered{Local: NewLRU(1 << 20), Remote: newTestRedis(t, cl.URL())}
	if err := one.Set(ctx, "{routes}:v3:features:", []byte("computed once")); err != nil {
		t.Fatal(err)
	}
	if v, hit, err := two.Get(ctx, "{routes}:v3:features:"); err != nil || !hit || string(v) != "computed once" {
		t.Fatalf("the second replica: %q hit %v err %v", v, hit, err)
	}
}

func TestRedisClusterNodeDownFailsFast(t *testing.T) {
	cl := testredis.StartCluster(t, 3)
	r := newTestRedis(t, cl.URL())
	ctx := context.Background()
	for i := range 30 {
		// Filling the cluster is not what is tested: on a loaded machine
		// the first calls (finding the slots, dialling) may outlast the
		// 50 ms timeout, so each is tried again for a while.
		var err error
		for try := 0; try < 40; try++ {
			if err = r.Set(ctx, fmt.Sprintf("{l%d}:v1:q", i), []byte("v")); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	cl.Nodes[1].Pause(t) // one master hangs
	defer cl.Nodes[1].Resume(t)
	failed := 0
	for i := range 30 {
		start := time.Now()
		_, _, err := r.Get(ctx, fmt.Sprintf("{l%d}:v1:q", i))
		if err != nil {
			failed++
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Errorf("Get %d took %v with one master hung; each call must cost at most the timeout", i, d)
		}
	}
	if failed == 0 {
		t.Error("no call noticed the hung master")
	}
}
