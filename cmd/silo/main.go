package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/silo-project/silo/server"
)

// version is set at build time: -ldflags '-X main.version=...'.
var version = "dev"

const usage = `Silo: an S3-compatible object storage server.

Usage:
  silo server [--address HOST:PORT] [--certs-dir DIR] DRIVE...
  silo healthcheck [--url URL]   probe a local server (container HEALTHCHECK)
  silo kms server [FLAGS]        run the key service standalone (see 'silo kms --help')
  silo --version
  silo help

Run 'silo server --help' for flags and environment variables.
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit status. Errors are
// one line on stderr, prefixed "silo: ".
func run(ctx context.Context, args []string, getenv getenvFunc, stdout, stderr io.Writer) int {
	fail := func(code int, err error) int {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", "; ")
		fmt.Fprintf(stderr, "silo: %s\n", msg)
		return code
	}
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return 0
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		if len(args) > 1 && args[1] == "server" {
			fmt.Fprint(stdout, serverUsage)
		} else {
			fmt.Fprint(stdout, usage)
		}
		return 0
	case "version", "-v", "--version", "-version":
		fmt.Fprintf(stdout, "silo version %s\n", version)
		return 0
	case "healthcheck":
		if err := healthcheck(ctx, args[1:], getenv, stdout); err != nil {
			return fail(1, err)
		}
		return 0
	case "kms":
		if err := runKMS(ctx, args[1:], getenv, stdout, stderr); err != nil {
			return fail(1, err)
		}
		return 0
	case "server":
	default:
		return fail(2, fmt.Errorf("unknown command %q (see 'silo help')", args[0]))
	}

	cfg, err := parseServer(args[1:], getenv, homeDir())
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, serverUsage)
		return 0
	}
	if err != nil {
		return fail(2, err)
	}
	cfg.Version = version
	logger, err := newLogger(getenv, stderr)
	if err != nil {
		return fail(2, err)
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default action: a second
		// Ctrl-C ends the process at once instead of waiting for the drain.
		<-ctx.Done()
		stop()
	}()
	reload := make(chan struct{}, 1)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				select {
				case reload <- struct{}{}:
				default:
				}
			}
		}
	}()

	for restarting := false; ; restarting = true {
		srv, err := server.New(ctx, cfg, server.Deps{Logger: logger, Out: stdout, Reload: reload})
		if err != nil && restarting && ctx.Err() != nil {
			return 0 // stopped by a signal while restarting
		}
		if err != nil {
			return fail(1, err)
		}
		err = srv.Run(ctx)
		if errors.Is(err, server.ErrRestart) {
			// `mc admin service restart`: the store is closed; open
			// everything again with the same configuration.
			if ctx.Err() != nil {
				return 0
			}
			logger.Info("restarting")
			continue
		}
		if err != nil {
			return fail(1, err)
		}
		return 0
	}
}

// newLogger builds the slog logger: text on stderr, or JSON with
// SILO_LOG_FORMAT=json; level from SILO_LOG_LEVEL.
func newLogger(getenv getenvFunc, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if v := getenv.first("SILO_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, fmt.Errorf("SILO_LOG_LEVEL=%q: want debug, info, warn or error", v)
		}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch f := strings.ToLower(getenv.first("SILO_LOG_FORMAT", "MINIO_LOG_FORMAT")); f {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("SILO_LOG_FORMAT=%q: want text or json", f)
	}
}
