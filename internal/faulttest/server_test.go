package faulttest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // database/sql driver "mysql" to create the test database
)

// dbServer is a throwaway database server owned by one test: its data
// directory lives in a temporary directory and it listens on a free port
// of 127.0.0.1. crash stops it abruptly; start brings it back on the same
// data and port.
type dbServer interface {
	// url is the dburl.Open URL of the test database.
	url() string
	crash(t *testing.T)
	start(t *testing.T)
	// freeze stops the server's processes with SIGSTOP: connections stay
	// open and new ones are accepted by the kernel, but nothing answers,
	// as with a hung server or a network partition. thaw resumes them.
	freeze(t *testing.T)
	thaw(t *testing.T)
}

// signal sends sig to each pid.
func signal(t *testing.T, pids []int, sig syscall.Signal) {
	t.Helper()
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && err != syscall.ESRCH {
			t.Fatalf("kill -%d %d: %v", sig, pid, err)
		}
	}
}

// freePort returns a TCP port of 127.0.0.1 nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return port
}

// serverDir makes a temporary directory the database's system user owns
// (t.TempDir sits under a root-only directory the server could not enter)
// and removes it when t ends.
func serverDir(t *testing.T, user, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		if err := exec.Command("chown", user+":", dir).Run(); err != nil {
			t.Fatalf("chown %s %s: %v", user, dir, err)
		}
	}
	return dir
}

// command runs bin as user when the test runs as root (initdb and
// mariadbd refuse to run as root), as the current user otherwise.
func command(user, bin string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", user, "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

func run(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
}

// postgresBin returns the directory of the newest Debian PostgreSQL server
// binaries, or "" when there are none.
func postgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "pg_ctl")); err == nil {
			if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
				return dirs[i]
			}
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p)
		}
	}
	return ""
}

// postgres is a PostgreSQL cluster made with initdb, run with pg_ctl.
type postgres struct {
	bin, dir string
	port     int
	frozen   []int
}

// newPostgres initializes and starts a cluster, or skips t when the
// PostgreSQL server binaries are not installed.
func newPostgres(t *testing.T) *postgres {
	t.Helper()
	bin := postgresBin()
	if bin == "" {
		t.Skip("PostgreSQL server binaries (initdb, pg_ctl) not found: install postgresql to run the PostgreSQL fault test")
	}
	p := &postgres{bin: bin, dir: serverDir(t, "postgres", "fastauth-fault-pg-"), port: freePort(t)}
	run(t, command("postgres", filepath.Join(bin, "initdb"), "-D", p.data(), "-U", "postgres",
		"--auth=trust", "--no-sync", "--encoding=UTF8", "--no-locale"))
	t.Cleanup(func() {
		if p.frozen != nil {
			p.thaw(t)
		}
		_ = command("postgres", filepath.Join(bin, "pg_ctl"), "-D", p.data(), "-m", "immediate", "-w", "stop").Run()
	})
	p.start(t)
	return p
}

func (p *postgres) data() string { return filepath.Join(p.dir, "data") }

func (p *postgres) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", p.port)
}

func (p *postgres) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", p.port, p.dir)
	run(t, command("postgres", filepath.Join(p.bin, "pg_ctl"), "-D", p.data(), "-l", filepath.Join(p.dir, "log"),
		"-o", opts, "-w", "-t", "30", "start"))
}

// crash stops the server in immediate mode: every backend is killed at
// once, without a checkpoint, as in a crash.
func (p *postgres) crash(t *testing.T) {
	t.Helper()
	run(t, command("postgres", filepath.Join(p.bin, "pg_ctl"), "-D", p.data(), "-m", "immediate", "-w", "stop"))
}

// freeze stops the postmaster and all its children (backends included).
func (p *postgres) freeze(t *testing.T) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.data(), "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	pids := []int{pid}
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				pids = append(pids, c)
			}
		}
	}
	p.frozen = pids
	signal(t, pids, syscall.SIGSTOP)
}

func (p *postgres) thaw(t *testing.T) {
	t.Helper()
	signal(t, p.frozen, syscall.SIGCONT)
	p.frozen = nil
}

// mariadbBins returns the paths of mariadbd and mariadb-install-db, or ""
// when either is missing.
func mariadbBins() (server, install string) {
	for _, c := range []string{"/usr/sbin/mariadbd", "mariadbd"} {
		if p, err := exec.LookPath(c); err == nil {
			server = p
			break
		}
	}
	if p, err := exec.LookPath("mariadb-install-db"); err == nil {
		install = p
	}
	if server == "" || install == "" {
		return "", ""
	}
	return server, install
}

// mariadb is a MariaDB server made with mariadb-install-db, run as a child
// process of the test.
type mariadb struct {
	bin, dir string
	port     int
	cmd      *exec.Cmd
	exited   chan struct{}
}

// newMariaDB initializes and starts a server with a database "fastauth",
// or skips t when the MariaDB server binaries are not installed.
func newMariaDB(t *testing.T) *mariadb {
	t.Helper()
	server, install := mariadbBins()
	if server == "" {
		t.Skip("MariaDB server binaries (mariadbd, mariadb-install-db) not found: install mariadb-server to run the MariaDB fault test")
	}
	m := &mariadb{bin: server, dir: serverDir(t, "mysql", "fastauth-fault-my-"), port: freePort(t)}
	args := []string{"--no-defaults", "--datadir=" + m.data(), "--auth-root-authentication-method=normal",
		"--skip-test-db"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=mysql")
	}
	run(t, exec.Command(install, args...))
	t.Cleanup(func() {
		if m.cmd != nil {
			_ = m.cmd.Process.Kill()
			<-m.exited
		}
	})
	m.start(t)
	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/", m.port))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE fastauth"); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *mariadb) data() string { return filepath.Join(m.dir, "data") }

func (m *mariadb) url() string {
	return fmt.Sprintf("mysql://root@tcp(127.0.0.1:%d)/fastauth?parseTime=true&timeout=2s", m.port)
}

func (m *mariadb) start(t *testing.T) {
	t.Helper()
	args := []string{"--no-defaults", "--datadir=" + m.data(), "--socket=" + filepath.Join(m.dir, "sock"),
		"--port=" + strconv.Itoa(m.port), "--bind-address=127.0.0.1", "--pid-file=" + filepath.Join(m.dir, "pid"),
		"--log-error=" + filepath.Join(m.dir, "err.log"), "--skip-log-bin", "--skip-name-resolve",
		"--innodb-buffer-pool-size=32M", "--max-connections=100"}
	if os.Geteuid() == 0 {
		args = append(args, "--user=mysql")
	}
	cmd := exec.Command(m.bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.cmd, m.exited = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(m.exited)

	db, err := sql.Open("mysql", fmt.Sprintf("root@tcp(127.0.0.1:%d)/?timeout=1s", m.port))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			return
		}
		select {
		case <-m.exited:
			log, _ := os.ReadFile(filepath.Join(m.dir, "err.log"))
			t.Fatalf("mariadbd exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("mariadbd not ready after 30s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *mariadb) freeze(t *testing.T) {
	t.Helper()
	signal(t, []int{m.cmd.Process.Pid}, syscall.SIGSTOP)
}

func (m *mariadb) thaw(t *testing.T) {
	t.Helper()
	signal(t, []int{m.cmd.Process.Pid}, syscall.SIGCONT)
}

// crash kills the server with SIGKILL.
func (m *mariadb) crash(t *testing.T) {
	t.Helper()
	if err := m.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-m.exited
	m.cmd = nil
}
