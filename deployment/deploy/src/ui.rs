//! Messages and progress. Results (the change table, outputs) go to
//! standard output; progress and events to standard error, as a spinner
//! with the elapsed time on a terminal and as plain lines otherwise. Tests
//! capture both.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Where messages go.
#[derive(Debug, Clone, Default)]
pub struct Ui {
    captured: Option<Arc<Mutex<String>>>,
    answer: Option<bool>,
}

impl Ui {
    /// Standard output and standard error.
    pub fn terminal() -> Self {
        Ui::default()
    }

    /// Everything into a buffer (tests); a confirmation prompt gets `answer`.
    pub fn captured(answer: bool) -> Self {
        Ui {
            captured: Some(Arc::default()),
            answer: Some(answer),
        }
    }

    /// What was captured so far.
    pub fn text(&self) -> String {
        self.captured
            .as_ref()
            .map(|c| c.lock().unwrap().clone())
            .unwrap_or_default()
    }

    /// A result line, on standard output.
    pub fn out(&self, line: impl AsRef<str>) {
        match &self.captured {
            Some(c) => {
                let mut c = c.lock().unwrap();
                c.push_str(line.as_ref());
                c.push('\n');
            }
            None => {
                let mut stdout = std::io::stdout().lock();
                let _ = writeln!(stdout, "{}", line.as_ref());
            }
        }
    }

    /// A progress or information line, on standard error.
    pub fn info(&self, line: impl AsRef<str>) {
        match &self.captured {
            Some(c) => {
                let mut c = c.lock().unwrap();
                c.push_str(line.as_ref());
                c.push('\n');
            }
            None => eprintln!("{}", line.as_ref()),
        }
    }

    /// Asks a yes/no question on standard error and reads the answer from
    /// standard input; anything but `y`/`yes` (or end of input) is no.
    pub fn confirm(&self, question: &str) -> bool {
        if let Some(answer) = self.answer {
            self.info(format!("{question} [y/N] (answered {answer})"));
            return answer;
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().read_line(&mut line).unwrap_or(0) == 0 {
            eprintln!();
            return false;
        }
        matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }

    /// A progress display for following a stack.
    pub fn progress(&self, stack: &str) -> Progress {
        let bar = if self.captured.is_none() && std::io::stderr().is_terminal() {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            Some(bar)
        } else {
            None
        };
        Progress {
            ui: self.clone(),
            bar,
            stack: stack.to_owned(),
            started: Instant::now(),
        }
    }
}

/// Following one stack: a spinner with its status and the elapsed time, and
/// each event as a line above it.
#[derive(Debug)]
pub struct Progress {
    ui: Ui,
    bar: Option<ProgressBar>,
    stack: String,
    started: Instant,
}

impl Progress {
    /// The current stack status.
    pub fn status(&self, status: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} {status}", self.stack));
        }
    }

    /// One event line, with the elapsed time.
    pub fn event(&self, line: &str) {
        let text = format!("[{:>4}s] {line}", self.started.elapsed().as_secs());
        match &self.bar {
            Some(bar) => bar.println(text),
            None => self.ui.info(text),
        }
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
