// Package sandbox extracts untrusted files in a child process, the way
// Apache Tika isolates its parsers: a PDF that sends the PDF library into a
// loop, a recursion that overflows the stack or a compressed bomb that eats
// memory kills the child, not the indexer or the server. The child is the
// same binary, started with an environment variable that makes [Main] run
// the extraction and exit; it caps its own memory (RLIMIT_DATA, which counts
// the Go heap as it grows) and CPU time, and the parent kills it on its
// deadline.
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"gbsearch/indexer"
	"gbsearch/indexer/pdftext"
)

// Environment variables of a worker process.
const (
	envWorker = "GBSEARCH_EXTRACT_WORKER"
	envFormat = "GBSEARCH_EXTRACT_FORMAT"
	envMemory = "GBSEARCH_EXTRACT_MEMORY"
	envCPU    = "GBSEARCH_EXTRACT_CPU_SECONDS"
)

// Limits bound one extraction.
type Limits struct {
	Timeout     time.Duration // wall clock, enforced by the parent
	MemoryBytes int64         // heap, enforced in the child
}

// DefaultLimits are the limits of the robustness requirements: 10 s and
// 512 MiB per file.
var DefaultLimits = Limits{Timeout: 10 * time.Second, MemoryBytes: 512 << 20}

// Sandbox runs extractions in child processes.
type Sandbox struct {
	// Exe is the binary to start; it must call [Main] first thing.
	Exe    string
	Limits Limits
}

// New returns a sandbox that starts this process's own executable.
func New(l Limits) (*Sandbox, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start workers: %w", err)
	}
	return &Sandbox{Exe: exe, Limits: l}, nil
}

// Result is an extraction with what it cost.
type Result struct {
	Content  *indexer.Content
	Err      error
	Duration time.Duration
	MaxRSS   int64 // bytes, the child's peak resident memory
	// Killed tells how the child ended when it did not end normally:
	// "timeout", "memory", "crash".
	Killed string
}

// Extract extracts a file in a child process. It satisfies
// [indexer.ExtractFunc].
func (s *Sandbox) Extract(ctx context.Context, format, name string, data []byte) (*indexer.Content, error) {
	r := s.Run(ctx, format, data)
	return r.Content, r.Err
}

// workerOutput is what a worker writes on its standard output.
type workerOutput struct {
	Content *indexer.Content `json:"content,omitempty"`
	Error   string           `json:"error,omitempty"`
	Kind    string           `json:"kind,omitempty"` // "extract", "unsupported", "other"
}

// Run extracts a file in a child process and reports how it went.
func (s *Sandbox) Run(ctx context.Context, format string, data []byte) Result {
	start := time.Now()
	timeout := s.Limits.Timeout
	if timeout <= 0 {
		timeout = DefaultLimits.Timeout
	}
	mem := s.Limits.MemoryBytes
	if mem <= 0 {
		mem = DefaultLimits.MemoryBytes
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, s.Exe)
	cmd.Env = append(os.Environ(), envWorker+"=1", envFormat+"="+format, envMemory+"="+strconv.FormatInt(mem, 10),
		envCPU+"="+strconv.Itoa(int(timeout.Seconds())+5))
	cmd.Stdin = bytes.NewReader(data)
	var stdout, stderr limitedBuffer
	stdout.limit, stderr.limit = indexer.MaxFileSize, 64<<10
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		// the whole process group: a worker must not leave children behind
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
		return nil
	}
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	res := Result{Duration: time.Since(start)}
	if ps := cmd.ProcessState; ps != nil {
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSS = ru.Maxrss * 1024
		}
	}
	switch {
	case cctx.Err() != nil && ctx.Err() == nil:
		res.Killed = "timeout"
		res.Err = fmt.Errorf("%w: extraction took longer than %s and was stopped: %w", indexer.ErrResourceLimit, timeout, context.DeadlineExceeded)
		return res
	case ctx.Err() != nil:
		res.Err = ctx.Err()
		return res
	case err != nil:
		msg := firstLines(stderr.String(), 3)
		if strings.Contains(msg, "out of memory") || strings.Contains(msg, "cannot allocate memory") {
			res.Killed = "memory"
			res.Err = fmt.Errorf("%w: extraction needed more than %d MiB and was stopped", indexer.ErrResourceLimit, mem>>20)
			return res
		}
		if strings.Contains(msg, "stack overflow") || strings.Contains(msg, "stack exceeds") {
			res.Killed = "crash"
			res.Err = fmt.Errorf("%w: the PDF nests too deeply (the extractor overflowed its stack)", indexer.ErrExtract)
			return res
		}
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ProcessState != nil {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGXCPU {
				res.Killed = "timeout"
				res.Err = fmt.Errorf("%w: extraction used up its CPU time: %w", indexer.ErrResourceLimit, context.DeadlineExceeded)
				return res
			}
		}
		res.Killed = "crash"
		res.Err = fmt.Errorf("%w: the extractor crashed (%v): %s", indexer.ErrExtract, err, msg)
		return res
	}
	var out workerOutput
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		res.Err = fmt.Errorf("%w: the extractor's answer is unreadable: %w", indexer.ErrExtract, err)
		return res
	}
	if out.Error != "" {
		base := indexer.ErrExtract
		if out.Kind == "unsupported" {
			base = indexer.ErrUnsupported
		}
		res.Err = fmt.Errorf("%w: %s", base, strings.TrimPrefix(out.Error, base.Error()+": "))
		return res
	}
	res.Content = out.Content
	return res
}

// Main runs the extraction worker and exits when this process was started
// as one; otherwise it returns at once. Call it first thing in main (and in
// TestMain of tests that use a Sandbox).
func Main() {
	if os.Getenv(envWorker) != "1" {
		return
	}
	os.Exit(worker(os.Stdin, os.Stdout))
}

func worker(in io.Reader, out io.Writer) int {
	mem, _ := strconv.ParseInt(os.Getenv(envMemory), 10, 64)
	if mem <= 0 {
		mem = DefaultLimits.MemoryBytes
	}
	// RLIMIT_DATA counts the Go heap as the runtime maps it (RLIMIT_AS does
	// not work: the runtime reserves address space up front); the soft
	// memory limit makes the GC work harder before the hard limit kills.
	_ = syscall.Setrlimit(syscall.RLIMIT_DATA, &syscall.Rlimit{Cur: uint64(mem), Max: uint64(mem)})
	debug.SetMemoryLimit(mem * 3 / 4)
	debug.SetMaxStack(64 << 20)
	if cpu, err := strconv.Atoi(os.Getenv(envCPU)); err == nil && cpu > 0 {
		_ = syscall.Setrlimit(syscall.RLIMIT_CPU, &syscall.Rlimit{Cur: uint64(cpu), Max: uint64(cpu) + 1})
	}
	data, err := io.ReadAll(io.LimitReader(in, indexer.MaxFileSize+1))
	enc := json.NewEncoder(out)
	if err != nil {
		_ = enc.Encode(workerOutput{Error: err.Error(), Kind: "other"})
		return 0
	}
	x := indexer.NewExtractors(pdftext.New())
	c, err := x.Extract(context.Background(), os.Getenv(envFormat), bytes.NewReader(data), int64(len(data)))
	if err != nil {
		kind := "extract"
		if errors.Is(err, indexer.ErrUnsupported) {
			kind = "unsupported"
		}
		_ = enc.Encode(workerOutput{Error: err.Error(), Kind: kind})
		return 0
	}
	if err := enc.Encode(workerOutput{Content: c}); err != nil {
		return 1
	}
	return 0
}

// limitedBuffer keeps at most limit bytes.
type limitedBuffer struct {
	bytes.Buffer
	limit int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.limit - b.Len(); room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}
