//! A PostgreSQL cluster of one test's own: created with `initdb` in a
//! temporary folder owned by `postgres`, on a free loopback port, and
//! stopped and started at will. The machine's own server is never touched.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use tempfile::TempDir;

/// Set to `1` to make a missing prerequisite fail the tests.
const REQUIRED: &str = "VANPHONG_FAULT_TESTS";

/// Where PostgreSQL's server binaries are (the highest version under
/// `/usr/lib/postgresql`), or `None` with the reason the tests cannot run
/// here: skipped, or failed when [`REQUIRED`] is `1`.
pub fn prerequisites() -> Option<PathBuf> {
    match find_binaries() {
        Ok(bin) => Some(bin),
        Err(reason) if std::env::var(REQUIRED).as_deref() == Ok("1") => {
            panic!("FAIL: the fault tests cannot run: {reason} ({REQUIRED}=1 requires them)")
        }
        Err(reason) => {
            eprintln!("skipped: {reason}; set {REQUIRED}=1 to make this a failure");
            None
        }
    }
}

fn find_binaries() -> Result<PathBuf, String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run `id -u`: {e}"))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("they must run as root, to start PostgreSQL as the postgres user".into());
    }
    let root = Path::new("/usr/lib/postgresql");
    let versions =
        std::fs::read_dir(root).map_err(|e| format!("no PostgreSQL server binaries in {} ({e})", root.display()))?;
    let mut found: Vec<(u32, PathBuf)> = versions
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    let (_, bin) = found
        .pop()
        .ok_or_else(|| format!("no <version>/bin/initdb and pg_ctl under {}", root.display()))?;
    let user = Command::new("id")
        .arg("postgres")
        .output()
        .map_err(|e| format!("cannot run `id postgres`: {e}"))?;
    if !user.status.success() {
        return Err("there is no postgres user to run PostgreSQL as".into());
    }
    Ok(bin)
}

/// A free TCP port on loopback (free when asked; taken soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running (or stopped) private cluster.
pub struct Postgres {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
}

fn checked(what: &str, output: std::io::Result<Output>) -> String {
    let output = output.unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Postgres {
    /// Creates a cluster and starts it.
    pub fn start(bin: &Path) -> Postgres {
        let dir = tempfile::Builder::new()
            .prefix("vanphong-faults-pg")
            .tempdir()
            .expect("tempdir");
        checked(
            "chown",
            Command::new("chown").arg("postgres:postgres").arg(dir.path()).output(),
        );
        let cluster = Postgres {
            bin: bin.to_path_buf(),
            dir,
            port: free_port(),
        };
        checked(
            "initdb",
            cluster
                .as_postgres("initdb")
                .args([
                    "--auth=trust",
                    "--username=postgres",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                    "-D",
                ])
                .arg(cluster.data())
                .output(),
        );
        cluster.resume();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn as_postgres(&self, tool: &str) -> Command {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(self.bin.join(tool));
        command.stdin(Stdio::null());
        command
    }

    /// The URL the servers connect with.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the (stopped) cluster and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        checked(
            &format!("pg_ctl start (see {})", self.dir.path().join("postgres.log").display()),
            self.as_postgres("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .arg("-l")
                .arg(self.dir.path().join("postgres.log"))
                .args(["-w", "-t", "60", "-o", &options, "start"])
                // pg_ctl leaves the server holding its output: do not wait
                // for it to close.
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .output(),
        );
    }

    /// Stops the cluster at once, as a crash would (`-m immediate`):
    /// connections drop, open transactions are lost, and the next start
    /// recovers from the write-ahead log.
    pub fn stop(&self) {
        checked(
            "pg_ctl stop",
            self.as_postgres("pg_ctl")
                .arg("-D")
                .arg(self.data())
                .args(["-w", "-m", "immediate", "stop"])
                .output(),
        );
    }

    fn psql_command(&self, sql: &str) -> Command {
        let mut command = Command::new(self.bin.join("psql"));
        command
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-F",
                "|",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-c",
                sql,
            ])
            .stdin(Stdio::null());
        command
    }

    /// Runs `sql` and returns its rows, one per line, columns split by `|`.
    pub fn query(&self, sql: &str) -> Vec<Vec<String>> {
        checked(&format!("psql {sql}"), self.psql_command(sql).output())
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.split('|').map(str::to_string).collect())
            .collect()
    }

    /// The single number `sql` selects.
    pub fn number(&self, sql: &str) -> i64 {
        let rows = self.query(sql);
        rows.first()
            .and_then(|r| r.first())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{sql} gave {rows:?}"))
    }

    /// Starts `sql` in a psql process of its own and returns at once.
    pub fn query_in_background(&self, sql: &str) -> Child {
        self.psql_command(sql)
            .stdout(Stdio::null())
            .spawn()
            .expect("psql starts")
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-w", "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
