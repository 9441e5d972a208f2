//! A small SMTP server for tests: real TCP on 127.0.0.1, speaking enough SMTP for lettre,
//! keeping every message it accepts, and able to refuse or stall on request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// 550 to MAIL FROM: a permanent refusal.
    RejectPermanently,
    /// Accept, but wait this long before answering the end of DATA.
    Slow(Duration),
}

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Messages whose DATA has begun (to know when a send is in flight).
    pub data_started: Arc<Mutex<usize>>,
    mode: Arc<Mutex<Mode>>,
    task: JoinHandle<()>,
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let data_started: Arc<Mutex<usize>> = Arc::default();
        let mode = Arc::new(Mutex::new(Mode::Accept));
        let task = {
            let (received, data_started, mode) =
                (received.clone(), data_started.clone(), mode.clone());
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    let (received, data_started, mode) =
                        (received.clone(), data_started.clone(), mode.clone());
                    tokio::spawn(async move {
                        let _ = session(socket, received, data_started, mode).await;
                    });
                }
            })
        };
        SmtpServer {
            port,
            received,
            data_started,
            mode,
            task,
        }
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().expect("lock") = mode;
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Waits until at least `n` messages arrived (or the time is up) and returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        while tokio::time::Instant::now() < deadline {
            if self.messages().len() >= n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.messages()
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn session(
    socket: tokio::net::TcpStream,
    received: Arc<Mutex<Vec<Received>>>,
    data_started: Arc<Mutex<usize>>,
    mode: Arc<Mutex<Mode>>,
) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test.local ESMTP ready\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let current = *mode.lock().expect("lock");
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-test.local\r\n250 8BITMIME\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            write.write_all(b"250 test.local\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            if current == Mode::RejectPermanently {
                write.write_all(b"550 5.7.1 Relaying denied\r\n").await?;
            } else {
                from = command[10..].trim().to_string();
                to.clear();
                write.write_all(b"250 OK\r\n").await?;
            }
        } else if upper.starts_with("RCPT TO:") {
            to.push(
                command[8..]
                    .trim()
                    .trim_matches(|c| c == '<' || c == '>')
                    .to_string(),
            );
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            *data_started.lock().expect("lock") += 1;
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            if let Mode::Slow(delay) = current {
                tokio::time::sleep(delay).await;
            }
            received.lock().expect("lock").push(Received {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            write.write_all(b"250 OK\r\n").await?;
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}
