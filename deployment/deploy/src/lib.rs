//! `deploy`: takes a synthesized stack to a running CloudFormation stack.
//!
//! - [`cli`]: the command line (clap); `main.rs` only parses it and calls [`run::run`].
//! - [`aws`]: the SDK clients from the standard chain, pointed at another
//!   endpoint with `--endpoint-url` (path-style S3 then), and the retry of
//!   throttling and transient errors.
//! - [`publish`]: asset packaging (through `streamcdk-packaging`), uploads
//!   (HeadObject first, parallel, multipart for large files) and the
//!   template's upload and `TemplateURL`.
//! - [`stack`]: the state machine of `up` and `diff`: which change set to
//!   create, waiting for it, the change table, the stateful-resource guard,
//!   execution, and following the stack to the end ([`stack::Deployer::follow`]).
//! - [`destroy`], [`offline`], [`package`]: the other commands.
//! - [`ui`]: progress and messages (a spinner on a terminal, plain lines otherwise).
//!
//! Every SDK call goes through the clients held by [`stack::Deployer`], so
//! the unit tests drive the state machine with `aws-smithy-mocks`.

pub mod aws;
pub mod cli;
pub mod demo;
pub mod destroy;
pub mod error;
pub mod offline;
pub mod package;
pub mod publish;
pub mod run;
pub mod stack;
pub mod ui;

pub use error::DeployError;
