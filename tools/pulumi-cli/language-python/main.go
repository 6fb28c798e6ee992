// Command pulumi-language-python is elastic-access's own minimal Python language host for the
// Pulumi engine, built beside the CLI when the CLI is built from the Go module proxy.
//
// Why our own: the official host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3), which the Go module proxy
// reachable from our machines does not serve (403 "This module version is not available", for
// tags and pseudo-versions alike). The official installer ships the real one; this host is used
// only where the CLI had to be built from source.
//
// What it does: the engine starts it with the engine's address as the last argument; it prints
// the port of its gRPC LanguageRuntime server on stdout and serves:
//   - Run: runs the program through the exec shim beside this binary
//     (pulumi-language-python-exec) in the project's virtualenv (Pulumi.yaml runtime options,
//     resolved by the SDK's python toolchain package);
//   - RunPlugin: policy packs (kind analyzer) through `python -u -m pulumi.policy`, behind the SDK's
//     policy proxy so that they receive the stack's configuration;
//   - GetRequiredPackages / GetRequiredPlugins: none (dynamic providers need no package);
//   - InstallDependencies: the virtualenv and requirements.txt, through the SDK's toolchain;
//   - GetPluginInfo, Handshake, About, GetProgramDependencies, Cancel.
//
// Everything else answers Unimplemented, which the engine treats as "not supported".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The exec shim exits with this code after it has shown the user an actionable message.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	exec          string
	engineAddress string
	cancel        context.CancelFunc
	ctx           context.Context
}

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}

	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not locate this executable: %w", err))
	}
	shim := filepath.Join(filepath.Dir(self), "pulumi-language-python-exec")
	if _, err := os.Stat(shim); err != nil {
		cmdutil.Exit(fmt.Errorf("missing executor %s: %w", shim, err))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	runCtx, cancel := context.WithCancel(ctx)
	h := &host{exec: shim, ctx: runCtx, cancel: cancel}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[len(args)-1]
		if err := rpcutil.Healthcheck(ctx, h.engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check: %w", err))
		}
	}

	done := make(chan bool)
	go func() { <-ctx.Done(); close(done) }()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: done,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped: %w", err))
	}
}

// pythonOptions reads the runtime options of Pulumi.yaml (toolchain, virtualenv).
func pythonOptions(info *pulumirpc.ProgramInfo, isPlugin bool) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{Root: info.GetRootDirectory(), ProgramDir: info.GetProgramDirectory()}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["virtualenv"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, errors.New("the virtualenv runtime option must be a string")
		}
		opts.Virtualenv = s
	}
	switch raw["toolchain"] {
	case nil, "pip":
		opts.Toolchain = toolchain.Pip
	case "uv":
		opts.Toolchain = toolchain.Uv
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	default:
		return opts, fmt.Errorf("unsupported toolchain runtime option %v", raw["toolchain"])
	}
	if isPlugin && opts.Toolchain == toolchain.Pip && opts.Virtualenv == "" {
		opts.Virtualenv = "venv"
	}
	return opts, nil
}

func (h *host) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts, err := pythonOptions(req.GetInfo(), false)
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	args := []string{h.exec}
	flagIf := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIf("monitor", req.GetMonitorAddress())
	flagIf("engine", h.engineAddress)
	flagIf("project", req.GetProject())
	flagIf("root_directory", req.GetInfo().GetRootDirectory())
	flagIf("stack", req.GetStack())
	flagIf("pwd", req.GetPwd())
	flagIf("dry_run", strconv.FormatBool(req.GetDryRun()))
	flagIf("parallel", strconv.Itoa(int(req.GetParallel())))
	flagIf("organization", req.GetOrganization())
	args = append(args, req.GetInfo().GetEntryPoint())
	args = append(args, req.GetArgs()...)

	runCtx, stop := context.WithCancel(h.ctx)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd, err := tc.Command(runCtx, args...)
	if err != nil {
		return nil, err
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	cmd.Env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	started, err := pipeTo(cmd, "PULUMI_CONFIG", config)
	if err != nil {
		return nil, err
	}
	err = cmd.Start()
	started(err == nil)
	if err == nil {
		err = cmd.Wait()
	}
	if err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python program: %v", err)}, nil
		}
		if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.ExitStatus() == exitAfterUserMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs a policy pack (kind analyzer) or a plugin directory's __main__.py.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	analyzer := req.GetKind() == string(apitype.AnalyzerPlugin)
	opts, err := pythonOptions(req.GetInfo(), !analyzer)
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	var args []string
	if analyzer {
		// A policy pack takes the engine address first and its directory last; the stack
		// config reaches it through a pipe (see pipeTo), put in its environment in-process.
		args = append([]string{"-u", "-c", policyBootstrap}, req.GetArgs()...)
		args = append(args, req.GetInfo().GetProgramDirectory())
	} else {
		args = append([]string{req.GetInfo().GetProgramDirectory()}, req.GetArgs()...)
	}
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	var proxy *sdk.PolicyProxy
	var startedOnce func(bool)
	if analyzer {
		cmd.Dir = req.GetInfo().GetProgramDirectory()
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		config, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		env, piped, err := policyEnv(config)
		if err != nil {
			return err
		}
		cmd.Env = append(cmd.Env, env...)
		started, err := pipeTo(cmd, "PULUMI_CONFIG", piped)
		if err != nil {
			return err
		}
		defer started(false) // no-op once called with true below
		startedOnce = started
	} else {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Stdout, cmd.Stderr = stdout, stderr

	err = cmd.Start()
	if startedOnce != nil {
		startedOnce(err == nil)
	}
	if err != nil {
		return fmt.Errorf("could not run the plugin: %w", err)
	}
	if proxy != nil {
		return proxy.Attach(ctx, cmd)
	}
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return server.Send(&pulumirpc.RunPluginResponse{
				Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
			})
		}
		return err
	}
	return closer.Close()
}

// policyEnv gives a policy pack the stack it judges, as the official host does, but with the
// config apart (the JSON for PULUMI_CONFIG, "{}" without one), to be sent through a pipe.
func policyEnv(config *pulumirpc.AnalyzerStackConfigureRequest) ([]string, []byte, error) {
	if config == nil {
		return nil, []byte("{}"), nil
	}
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("PULUMI_ORGANIZATION", config.GetOrganization())
	add("PULUMI_PROJECT", config.GetProject())
	add("PULUMI_STACK", config.GetStack())
	add("PULUMI_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
	raw := []byte("{}")
	if config.GetConfig() != nil {
		var err error
		if raw, err = json.Marshal(config.GetConfig()); err != nil {
			return nil, nil, err
		}
	}
	return env, raw, nil
}

// policyBootstrap starts `python -m pulumi.policy ARGS...` with PULUMI_CONFIG read from its pipe.
const policyBootstrap = `import os, runpy, sys
fd = os.environ.pop("PULUMI_CONFIG_FD", None)
if fd is not None:
    with os.fdopen(int(fd), encoding="utf-8") as pipe:
        os.environ["PULUMI_CONFIG"] = pipe.read()
sys.argv[0] = "pulumi.policy"
runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)
`

// pipeTo hands data to the child as NAME through an inherited pipe, whose descriptor number is
// in the environment as NAME_FD, instead of as the environment variable NAME itself: Linux
// refuses any one environment string over 128 KiB (MAX_ARG_STRLEN), which the stack config of a
// few hundred roles and members passes (pulumi/pulumi#8680, #20402); and a pipe, unlike the
// environment, cannot be read by other processes through /proc. Call the function it returns
// once the child has started (true) or failed to (false): it closes the parent's ends and, on
// a start, writes data in the background (a child that never reads it ends the write at exit).
func pipeTo(cmd *exec.Cmd, name string, data []byte) (func(bool), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("could not open a pipe for %s: %w", name, err)
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, r)
	cmd.Env = append(cmd.Env, fmt.Sprintf("%s_FD=%d", name, 2+len(cmd.ExtraFiles)))
	var once sync.Once
	return func(started bool) {
		once.Do(func() {
			_ = r.Close()
			if !started {
				_ = w.Close()
				return
			}
			go func() {
				_, _ = w.Write(data)
				_ = w.Close()
			}()
		})
	}, nil
}

func (h *host) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts := toolchain.PythonOptions{Toolchain: toolchain.Pip}
	if req.GetInfo() != nil {
		var err error
		if opts, err = pythonOptions(req.GetInfo(), false); err != nil {
			return nil, err
		}
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

func (h *host) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := pythonOptions(req.GetInfo(), false)
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	packages, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, fmt.Errorf("could not list the Python dependencies: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(packages))
	for _, p := range packages {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: p.Name, Version: p.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// InstallDependencies creates the virtualenv and installs requirements.txt into it, through the
// SDK's toolchain (the same code the official host uses).
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := pythonOptions(req.GetInfo(), req.GetIsPlugin())
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	err = tc.InstallDependencies(server.Context(), req.GetInfo().GetProgramDirectory(),
		req.GetUseLanguageVersionTools(), true, stdout, stderr)
	if err != nil {
		return err
	}
	return closer.Close()
}
