// Command loadtest holds the Go halves of scripts/loadtest.sh (wrk does the
// plain-GET load):
//
//	loadtest seed     -db URL -users N -keys N [-keys-out FILE]
//	loadtest token    -url URL -email E -password P        print an access token
//	loadtest hashrate -d 5s                                argon2id hashes/s, one goroutine
//	loadtest signin   -url URL -c 200 -d 20s -users N -pid PID [-once]
//	loadtest refresh  -url URL -c 32 -d 20s [-offset N]
//	loadtest tokens   -secret S|-key PEM -n N -out FILE    mint access tokens
//	loadtest floor    -addr A -mode cookie|key             the harness floor (scripts/perf-floors.sh)
//
// It only ever talks to the URL it is given; scripts/loadtest.sh gives it
// 127.0.0.1. See docs/performance.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadtest seed|token|tokens|hashrate|signin|refresh|floor [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cmds := map[string]func(context.Context, []string) error{
		"seed":     cmdSeed,
		"token":    cmdToken,
		"hashrate": cmdHashRate,
		"signin":   cmdSignIn,
		"refresh":  cmdRefresh,
		"tokens":   cmdTokens,
		"floor":    cmdFloor,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "loadtest: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := cmd(ctx, os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "loadtest %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
