//! The `belong` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{coordinators, tokens};
use crate::config::Settings;
use crate::domain::checkin::After;
use crate::domain::role::Role;
use crate::startup;

/// Belong pairs new clinicians with experienced mentors, so nobody starts alone.
#[derive(Debug, Parser)]
#[command(name = "belong", version, about, long_about = None)]
pub struct Cli {
    /// A TOML file laid over the built-in defaults (environment variables BELONG__SECTION__KEY win over both).
    #[arg(long, global = true, env = "BELONG_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service, its migrations and its workers (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage coordinators' console logins.
    #[command(subcommand)]
    Coordinator(CoordinatorCommand),
    /// Match a roster file offline, with the same engine and rules as the service.
    MatchFile {
        /// The roster: {"mentees": [...], "mentors": [...], "settings": {...}}.
        #[arg(long, value_name = "FILE")]
        input: PathBuf,
        /// Where to write the result (standard output when omitted).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make an API token; it is printed once, alone on the last line, and stored only as a hash.
    Create {
        /// Who or what the token is for, e.g. "HR sync".
        #[arg(long)]
        name: String,
        /// coordinator: everything; integration: profiles, and reading matches and emails.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// How long the token works, as an ISO 8601 duration (P90D, P1Y); forever when omitted.
        #[arg(long, value_name = "DURATION", value_parser = lifetime)]
        expires_in: Option<After>,
    },
    /// List every token: name, role, when made, last used, expiry and revocation (never the secret).
    List,
    /// Revoke a token by its id or its name; every instance refuses it at once.
    Revoke {
        #[arg(value_name = "NAME_OR_ID")]
        name_or_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CoordinatorCommand {
    /// Make a login for the console; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from the first line of standard input (required: passwords
        /// never go on the command line, where others can see them).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the console logins, whether each is disabled, and their live sessions.
    List,
    /// Disable a login: its sessions end at once and it cannot sign in until enabled.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled login again.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Coordinator,
    Integration,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Coordinator => Role::Coordinator,
            RoleArg::Integration => Role::Integration,
        }
    }
}

/// Runs the command line; every failure becomes a message and a non-zero exit.
pub fn run(cli: Cli) -> ExitCode {
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("belong: {message}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> Result<(), String> {
    let mut settings = Settings::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    let command = cli.command.unwrap_or(Command::Serve);
    if !matches!(command, Command::Serve) {
        // One connection is all a command needs. A larger pool would open more in background
        // threads, which could still be inside the PostgreSQL client library when the
        // process exits, and crash it on the way out.
        settings.database.pool_size = 1;
    }
    match command {
        Command::Serve => {
            crate::telemetry::init(settings.log.format);
            let listener = startup::bind(&settings).map_err(|e| e.to_string())?;
            let (app, applied) = startup::open(settings).map_err(|e| e.to_string())?;
            for name in applied {
                tracing::info!(migration = %name, "applied migration");
            }
            actix_web::rt::System::new().block_on(startup::serve(app, listener))
        }
        Command::Migrate => {
            let (_, applied) = startup::open(settings).map_err(|e| e.to_string())?;
            if applied.is_empty() {
                println!("The database is up to date.");
            }
            for name in applied {
                println!("applied {name}");
            }
            Ok(())
        }
        Command::MatchFile { input, output } => {
            let text = std::fs::read_to_string(&input)
                .map_err(|e| format!("cannot read {}: {e}", input.display()))?;
            let result = crate::roster::match_file(&text, &input.display().to_string(), &settings)?;
            match output {
                Some(path) => std::fs::write(&path, result)
                    .map_err(|e| format!("cannot write {}: {e}", path.display())),
                None => {
                    print!("{result}");
                    Ok(())
                }
            }
        }
        Command::Token(command) => {
            let (app, _) = startup::open(settings).map_err(|e| e.to_string())?;
            token(&app, command)
        }
        Command::Coordinator(command) => {
            let (app, _) = startup::open(settings).map_err(|e| e.to_string())?;
            coordinator(&app, command)
        }
    }
}

/// `belong token …`: make, list and revoke API tokens.
fn token(app: &crate::app::App, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Create {
            name,
            role,
            expires_in,
        } => {
            let role = Role::from(role);
            let token = tokens::create_expiring(&app.db, &name, role, expires_in)
                .map_err(|e| e.to_string())?;
            println!(
                "Created {} {role} token named \"{}\". It is shown only this once:",
                if role == Role::Integration { "an" } else { "a" },
                name.trim()
            );
            println!("{token}");
            Ok(())
        }
        TokenCommand::List => {
            let rows = tokens::list(&app.db).map_err(|e| e.to_string())?;
            let table: Vec<[String; 7]> = rows
                .into_iter()
                .map(|t| {
                    [
                        t.id,
                        t.name,
                        t.role.to_string(),
                        when(Some(t.created_at)),
                        when(t.last_used_at),
                        when(t.expires_at),
                        when(t.revoked_at),
                    ]
                })
                .collect();
            print!(
                "{}",
                columns(
                    [
                        "ID",
                        "NAME",
                        "ROLE",
                        "CREATED",
                        "LAST USED",
                        "EXPIRES",
                        "REVOKED"
                    ],
                    &table
                )
            );
            Ok(())
        }
        TokenCommand::Revoke { name_or_id } => {
            let token = tokens::revoke(&app.db, &name_or_id).map_err(|e| e.to_string())?;
            println!(
                "Revoked the {} token \"{}\" ({}). It no longer works.",
                token.role, token.name, token.id
            );
            Ok(())
        }
    }
}

/// `belong coordinator …`: make, list, disable and enable console logins.
fn coordinator(app: &crate::app::App, command: CoordinatorCommand) -> Result<(), String> {
    match command {
        CoordinatorCommand::Create { email, name, .. } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']);
            coordinators::create(&app.db, &email, &name, password).map_err(|e| match e {
                crate::app::AppError::Validation(errors) => {
                    format!("cannot create the coordinator: {errors}")
                }
                other => format!("cannot create the coordinator: {other}"),
            })?;
            println!(
                "Created a console login for {} <{}>. They can sign in at /coordinator/login.",
                name.trim(),
                email.trim().to_ascii_lowercase()
            );
            Ok(())
        }
        CoordinatorCommand::List => {
            let rows = coordinators::list(&app.db).map_err(|e| e.to_string())?;
            let table: Vec<[String; 5]> = rows
                .into_iter()
                .map(|c| {
                    [
                        c.email,
                        c.name,
                        when(Some(c.created_at)),
                        when(c.disabled_at),
                        c.sessions.to_string(),
                    ]
                })
                .collect();
            print!(
                "{}",
                columns(["EMAIL", "NAME", "CREATED", "DISABLED", "SESSIONS"], &table)
            );
            Ok(())
        }
        CoordinatorCommand::Disable { email } => {
            coordinators::disable(&app.db, &email).map_err(|e| e.to_string())?;
            println!(
                "Disabled the console login of {}; its sessions have ended.",
                email.trim().to_ascii_lowercase()
            );
            Ok(())
        }
        CoordinatorCommand::Enable { email } => {
            coordinators::enable(&app.db, &email).map_err(|e| e.to_string())?;
            println!(
                "Enabled the console login of {}.",
                email.trim().to_ascii_lowercase()
            );
            Ok(())
        }
    }
}

/// A token's lifetime: an ISO 8601 duration longer than nothing.
fn lifetime(text: &str) -> Result<After, String> {
    let after = After::parse(text)?;
    if after.is_zero() {
        return Err(format!(
            "\"{text}\" is no time at all; give how long the token works, e.g. P90D"
        ));
    }
    Ok(after)
}

/// A stored time for people: `2026-12-04 16:38 UTC`, or `-` when there is none.
fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(
        || "-".into(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// Rows under a header, each column as wide as its widest cell.
fn columns<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
