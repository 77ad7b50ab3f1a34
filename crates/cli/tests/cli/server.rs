//! Starting the real binary as a server, as an operator would.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `motcua serve` child process, killed on drop.
#[derive(Debug)]
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `motcua serve ARGS` on `port` and waits until `/healthz` answers.
#[allow(clippy::zombie_processes)] // the child is waited for in `Server::drop`
pub async fn start(args: &[&str], port: u16, data_dir: &std::path::Path) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_motcua"))
        .arg("serve")
        .args(args)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("MOTCUA_DATA_DIR", data_dir)
        .env_remove("MOTCUA_DATABASE")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = crate::http();
    for _ in 0..600 {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not answer /healthz within 30 s");
}

/// `GET url` with a bearer token, as JSON.
pub async fn get_json(url: &str, token: &str) -> serde_json::Value {
    crate::http()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub async fn login(base: &str, user: &str) -> String {
    let v: serde_json::Value = crate::http()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": user, "password": "demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {user}: {v}"))
        .to_owned()
}
