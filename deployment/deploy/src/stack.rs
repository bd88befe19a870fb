//! The state machine of `up`, `diff`, `wait` and `outputs`.
//!
//! `up`: look at the stack (none or `REVIEW_IN_PROGRESS` left by a diff:
//! CREATE; `ROLLBACK_COMPLETE`: refuse, or delete and CREATE with
//! `--recreate`; busy: say `deploy wait`; otherwise UPDATE), create a change
//! set from the uploaded template, wait for it, show it as a table, refuse it
//! if it destroys a stateful resource not named by `--allow-replace`,
//! confirm, execute, follow the stack's events to the end, print the outputs.
//! A change set FAILED because it "didn't contain changes" (or "No updates
//! are to be performed") is no change: it is deleted and `up` succeeds. An
//! AVAILABLE change set with no resource changes (a parameter-only update)
//! is executed.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use aws_sdk_cloudformation::types::{
    Capability, Change, ChangeAction, ChangeSetStatus, ChangeSetType, Parameter, Stack, StackEvent,
    StackResourceSummary, Tag,
};
use serde_json::Value;
use streamcdk_deploy_plan::{guard, table, Action, Replacement, ResourceChange};

use crate::aws::{aws_error, message, retry, Backoff, Clients};
use crate::ui::Ui;
use crate::DeployError;

/// Ctrl-C: `true` once pressed. Following a stack stops then; the
/// deployment itself goes on.
pub type Interrupt = tokio::sync::watch::Receiver<bool>;

/// An [`Interrupt`] that never fires.
pub fn no_interrupt() -> Interrupt {
    let (sender, receiver) = tokio::sync::watch::channel(false);
    std::mem::forget(sender);
    receiver
}

async fn interrupted(interrupt: &mut Interrupt) {
    loop {
        if *interrupt.borrow() {
            return;
        }
        if interrupt.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs the deployment steps against the clients it holds.
#[derive(Debug, Clone)]
pub struct Deployer {
    /// The SDK clients.
    pub clients: Clients,
    /// Retries of throttled and transiently failing calls.
    pub backoff: Backoff,
    /// Between two polls of a change set or a stack.
    pub poll: Duration,
    /// Messages.
    pub ui: Ui,
}

/// What to put in a change set.
#[derive(Debug, Clone, Default)]
pub struct ChangeSetRequest {
    /// The stack.
    pub stack_name: String,
    /// Where CloudFormation reads the template.
    pub template_url: String,
    /// The template (for its parameters and the capabilities it needs).
    pub template: Value,
    /// `--parameter KEY=VALUE` (and the asset bucket parameter).
    pub parameters: Vec<(String, String)>,
    /// `--tag KEY=VALUE`.
    pub tags: Vec<(String, String)>,
    /// `--recreate`: a stack in `ROLLBACK_COMPLETE` is deleted and created again.
    pub recreate: bool,
}

/// A change set that is ready to execute.
#[derive(Debug, Clone)]
pub struct ReadyChangeSet {
    /// The stack's name.
    pub stack_name: String,
    /// The change set's name.
    pub name: String,
    /// CREATE or UPDATE.
    pub kind: ChangeSetType,
    /// The changes, in CloudFormation's order.
    pub changes: Vec<ResourceChange>,
}

/// The result of creating a change set.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// The stack is already as asked; the change set was deleted.
    NoChanges,
    /// A change set to review or execute.
    Ready(ReadyChangeSet),
}

/// What `up` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpOutcome {
    /// Nothing to change.
    NoChanges,
    /// The change set was executed and the stack reached this status.
    Done {
        /// The final status (`CREATE_COMPLETE`, `UPDATE_COMPLETE`).
        status: String,
        /// The outputs, by key.
        outputs: BTreeMap<String, String>,
    },
}

/// Options of `up` beyond the change set.
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// `--allow-replace LOGICAL_ID`.
    pub allow_replace: Vec<String>,
    /// `--yes`: execute without asking.
    pub yes: bool,
    /// `--start-flink`.
    pub start_flink: bool,
}

/// The capabilities a template needs: `CAPABILITY_IAM` for any IAM
/// resource, `CAPABILITY_NAMED_IAM` when one has a custom name,
/// `CAPABILITY_AUTO_EXPAND` for a transform or a nested stack... only the
/// transform (a nested stack does not need it).
pub fn capabilities(template: &Value) -> Vec<Capability> {
    let mut iam = false;
    let mut named = false;
    if let Some(resources) = template["Resources"].as_object() {
        for resource in resources.values() {
            let Some(t) = resource["Type"].as_str() else {
                continue;
            };
            if t.starts_with("AWS::IAM::") {
                iam = true;
                let properties = &resource["Properties"];
                if [
                    "RoleName",
                    "UserName",
                    "GroupName",
                    "ManagedPolicyName",
                    "InstanceProfileName",
                ]
                .iter()
                .any(|p| !properties[p].is_null())
                {
                    named = true;
                }
            }
        }
    }
    let mut out = Vec::new();
    if iam {
        out.push(Capability::CapabilityIam);
    }
    if named {
        out.push(Capability::CapabilityNamedIam);
    }
    if !template["Transform"].is_null() {
        out.push(Capability::CapabilityAutoExpand);
    }
    out
}

/// The parameters of an update that keep their previous values: those the
/// new template declares and the stack has, that are not given, and whose
/// value differs from the new template's default (when it equals the
/// default, leaving the parameter out gives the same value).
pub fn keep_previous(
    template: &Value,
    previous: &BTreeMap<&str, &str>,
    given: &[(String, String)],
) -> Vec<(String, String)> {
    let Some(declared) = template["Parameters"].as_object() else {
        return Vec::new();
    };
    declared
        .iter()
        .filter(|(name, _)| !given.iter().any(|(k, _)| k == *name))
        .filter_map(|(name, declaration)| {
            let value = previous.get(name.as_str())?;
            let default = match &declaration["Default"] {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                Value::Array(items) => Some(
                    items
                        .iter()
                        .map(|i| {
                            i.as_str()
                                .map(str::to_owned)
                                .unwrap_or_else(|| i.to_string())
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                other => Some(other.to_string()),
            };
            (default.as_deref() != Some(*value)).then(|| (name.clone(), (*value).to_owned()))
        })
        .collect()
}

/// Whether a change set's status reason means "nothing to change".
pub fn is_no_change_reason(reason: &str) -> bool {
    reason.contains("didn't contain changes") || reason.contains("No updates are to be performed")
}

/// A status that ends an operation successfully.
pub fn is_success(status: &str) -> bool {
    matches!(
        status,
        "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "DELETE_COMPLETE" | "IMPORT_COMPLETE"
    )
}

/// A status that ends an operation in failure.
pub fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED")
        || matches!(
            status,
            "ROLLBACK_COMPLETE" | "UPDATE_ROLLBACK_COMPLETE" | "IMPORT_ROLLBACK_COMPLETE"
        )
}

fn advice(stack: &str, status: &str) -> Option<String> {
    Some(match status {
        "ROLLBACK_COMPLETE" => format!(
            "The stack was never created and can only be deleted. Fix the cause above, then run `deploy up ... --recreate` (deletes {stack} and creates it again), or `deploy destroy {stack}`."
        ),
        "UPDATE_ROLLBACK_COMPLETE" => format!(
            "The update was rolled back: {stack} runs its previous template again. Fix the cause above and run `deploy up` again."
        ),
        "UPDATE_ROLLBACK_FAILED" => format!(
            "The rollback failed: fix the resources named above, then `aws cloudformation continue-update-rollback --stack-name {stack}`."
        ),
        "DELETE_FAILED" => format!(
            "Some resources could not be deleted (above): fix them, then run `deploy destroy {stack}` again."
        ),
        "ROLLBACK_FAILED" => format!(
            "The rollback failed: delete the resources named above by hand, then `deploy destroy {stack}`."
        ),
        _ => return None,
    })
}

/// One CloudFormation change as a [`ResourceChange`].
pub fn resource_change(change: &Change) -> Option<ResourceChange> {
    let rc = change.resource_change()?;
    let action = match rc.action()? {
        ChangeAction::Add | ChangeAction::Import => Action::Add,
        ChangeAction::Remove => Action::Remove,
        _ => Action::Modify,
    };
    let details = rc
        .details()
        .iter()
        .filter_map(|d| {
            let target = d.target()?;
            let mut text = match (target.attribute(), target.name()) {
                (Some(a), Some(n)) => format!("{}/{n}", a.as_str()),
                (Some(a), None) => a.as_str().to_owned(),
                (None, Some(n)) => n.to_owned(),
                (None, None) => return None,
            };
            if let Some(r) = target.requires_recreation() {
                text.push_str(&format!(" (recreation {})", r.as_str()));
            }
            if let Some(entity) = d.causing_entity() {
                text.push_str(&format!(" <- {entity}"));
            }
            Some(text)
        })
        .collect();
    Some(ResourceChange {
        logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
        resource_type: rc.resource_type().unwrap_or_default().to_owned(),
        action,
        replacement: rc
            .replacement()
            .and_then(|r| Replacement::parse(r.as_str())),
        physical_id: rc.physical_resource_id().map(str::to_owned),
        details,
        retention: None,
    })
}

fn event_line(e: &StackEvent) -> String {
    let mut line = format!(
        "{} {} {}",
        e.logical_resource_id().unwrap_or("-"),
        e.resource_type().unwrap_or("-"),
        e.resource_status().map(|s| s.as_str()).unwrap_or("-"),
    );
    if let Some(reason) = e.resource_status_reason() {
        line.push_str(&format!(": {reason}"));
    }
    line
}

fn is_missing_stack<E: aws_sdk_cloudformation::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_cloudformation::error::SdkError<E, R>,
) -> bool {
    message(e).is_some_and(|m| m.contains("does not exist"))
}

impl Deployer {
    /// A deployer with the default backoff and a 2-second poll.
    pub fn new(clients: Clients, ui: Ui) -> Self {
        Deployer {
            clients,
            backoff: Backoff::default(),
            poll: Duration::from_secs(2),
            ui,
        }
    }

    /// The stack, or `None` if it does not exist.
    ///
    /// # Errors
    /// A DescribeStacks failure other than "does not exist".
    pub async fn describe(&self, stack: &str) -> Result<Option<Stack>, DeployError> {
        match retry("DescribeStacks", self.backoff, || {
            self.clients.cfn.describe_stacks().stack_name(stack).send()
        })
        .await
        {
            Ok(out) => Ok(out.stacks().first().cloned()),
            Err(e) if is_missing_stack(&e) => Ok(None),
            Err(e) => Err(aws_error("DescribeStacks", &e)),
        }
    }

    /// Creates the change set `request` describes and waits until it is
    /// ready or failed. Prints nothing but progress.
    ///
    /// # Errors
    /// The stack cannot take a change set, or the change set FAILED for
    /// another reason than "no changes".
    pub async fn prepare(&self, request: &ChangeSetRequest) -> Result<Prepared, DeployError> {
        let stack = &request.stack_name;
        let existing = self.describe(stack).await?;
        let status = existing
            .as_ref()
            .and_then(|s| s.stack_status())
            .map(|s| s.as_str().to_owned());
        let kind = match status.as_deref() {
            None => ChangeSetType::Create,
            Some("REVIEW_IN_PROGRESS") => {
                self.ui.info(format!(
                    "stack {stack} is REVIEW_IN_PROGRESS (left by an earlier diff or an unexecuted change set): creating it"
                ));
                ChangeSetType::Create
            }
            Some("ROLLBACK_COMPLETE") if request.recreate => {
                self.ui.info(format!(
                    "stack {stack} is ROLLBACK_COMPLETE: deleting it (--recreate), then creating it again"
                ));
                self.delete_stack_and_wait(stack).await?;
                ChangeSetType::Create
            }
            Some("ROLLBACK_COMPLETE") => {
                return Err(DeployError::StackState {
                    stack: stack.clone(),
                    status: "ROLLBACK_COMPLETE".into(),
                    advice: format!("its creation failed and was rolled back; it can only be deleted. Pass --recreate to delete it and create it again, or run `deploy destroy {stack}`"),
                })
            }
            Some(s) if s.ends_with("_IN_PROGRESS") => {
                return Err(DeployError::StackState {
                    stack: stack.clone(),
                    status: s.to_owned(),
                    advice: format!("an operation is in progress; follow it with `deploy wait {stack}`, then run again"),
                })
            }
            Some(s) if s.ends_with("_FAILED") => {
                return Err(DeployError::StackState {
                    stack: stack.clone(),
                    status: s.to_owned(),
                    advice: advice(stack, s).unwrap_or_else(|| "fix the stack first".into()),
                })
            }
            Some(_) => ChangeSetType::Update,
        };

        // Parameters: those given; for an update, the others the stack
        // already has keep their previous values.
        let mut parameters: Vec<Parameter> = request
            .parameters
            .iter()
            .map(|(k, v)| {
                Parameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build()
            })
            .collect();
        if kind == ChangeSetType::Update {
            let previous: BTreeMap<&str, &str> = existing
                .as_ref()
                .map(|s| {
                    s.parameters()
                        .iter()
                        .filter_map(|p| {
                            Some((p.parameter_key()?, p.parameter_value().unwrap_or("")))
                        })
                        .collect()
                })
                .unwrap_or_default();
            for (name, value) in keep_previous(&request.template, &previous, &request.parameters) {
                let _ = value;
                parameters.push(
                    Parameter::builder()
                        .parameter_key(name)
                        .use_previous_value(true)
                        .build(),
                );
            }
        }
        let tags: Vec<Tag> = request
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let name = format!(
            "streamcdk-deploy-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default()
        );
        let capabilities = capabilities(&request.template);
        self.ui.info(format!(
            "creating change set {name} ({}) for stack {stack}{}",
            kind.as_str(),
            if capabilities.is_empty() {
                String::new()
            } else {
                format!(
                    ", capabilities {}",
                    capabilities
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        retry("CreateChangeSet", self.backoff, || {
            self.clients
                .cfn
                .create_change_set()
                .stack_name(stack)
                .change_set_name(&name)
                .change_set_type(kind.clone())
                .template_url(&request.template_url)
                .set_parameters(Some(parameters.clone()))
                .set_tags(if tags.is_empty() {
                    None
                } else {
                    Some(tags.clone())
                })
                .set_capabilities(Some(capabilities.clone()))
                .description("created by streamcdk deploy")
                .send()
        })
        .await
        .map_err(|e| aws_error("CreateChangeSet", &e))?;

        let ready = ReadyChangeSet {
            stack_name: stack.clone(),
            name: name.clone(),
            kind,
            changes: Vec::new(),
        };
        // Wait for it.
        loop {
            let out = retry("DescribeChangeSet", self.backoff, || {
                self.clients
                    .cfn
                    .describe_change_set()
                    .stack_name(stack)
                    .change_set_name(&name)
                    .send()
            })
            .await
            .map_err(|e| aws_error("DescribeChangeSet", &e))?;
            match out.status() {
                Some(ChangeSetStatus::CreateComplete) => break,
                Some(ChangeSetStatus::Failed) => {
                    let reason = out.status_reason().unwrap_or("no reason given").to_owned();
                    if is_no_change_reason(&reason) {
                        self.ui
                            .info(format!("no changes: {reason} Deleting the change set."));
                        self.delete_change_set(&ready).await?;
                        return Ok(Prepared::NoChanges);
                    }
                    let _ = self.delete_change_set(&ready).await;
                    return Err(DeployError::ChangeSetFailed {
                        stack: stack.clone(),
                        name,
                        reason,
                    });
                }
                _ => tokio::time::sleep(self.poll).await,
            }
        }
        let changes = self.change_set_changes(stack, &name).await?;
        Ok(Prepared::Ready(ReadyChangeSet { changes, ..ready }))
    }

    async fn change_set_changes(
        &self,
        stack: &str,
        name: &str,
    ) -> Result<Vec<ResourceChange>, DeployError> {
        let mut changes = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = retry("DescribeChangeSet", self.backoff, || {
                self.clients
                    .cfn
                    .describe_change_set()
                    .stack_name(stack)
                    .change_set_name(name)
                    .set_next_token(token.clone())
                    .send()
            })
            .await
            .map_err(|e| aws_error("DescribeChangeSet", &e))?;
            changes.extend(out.changes().iter().filter_map(resource_change));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(changes),
            }
        }
    }

    /// Deletes a change set.
    ///
    /// # Errors
    /// The DeleteChangeSet failure.
    pub async fn delete_change_set(&self, change_set: &ReadyChangeSet) -> Result<(), DeployError> {
        retry("DeleteChangeSet", self.backoff, || {
            self.clients
                .cfn
                .delete_change_set()
                .stack_name(&change_set.stack_name)
                .change_set_name(&change_set.name)
                .send()
        })
        .await
        .map(|_| ())
        .map_err(|e| aws_error("DeleteChangeSet", &e))
    }

    /// Prints the change table and the guard's verdict; `Err(Refused)` (after
    /// deleting the change set) if it destroys a stateful resource that
    /// `allowed` does not name.
    ///
    /// # Errors
    /// [`DeployError::Refused`].
    pub async fn review(
        &self,
        change_set: &ReadyChangeSet,
        allowed: &[String],
        delete_if_refused: bool,
    ) -> Result<(), DeployError> {
        self.ui.out(format!(
            "Change set {} ({}) of stack {}:",
            change_set.name,
            change_set.kind.as_str(),
            change_set.stack_name
        ));
        self.ui.out(table::render(&change_set.changes));
        let refusals = guard::refusals(&change_set.changes, allowed);
        if refusals.is_empty() {
            for c in change_set
                .changes
                .iter()
                .filter(|c| c.destroys() && guard::stateful_reason(&c.resource_type).is_some())
            {
                self.ui.info(format!(
                    "allowed by --allow-replace: {} ({}) is destroyed by this change set",
                    c.logical_id, c.resource_type
                ));
            }
            return Ok(());
        }
        if delete_if_refused {
            self.delete_change_set(change_set).await?;
        }
        Err(DeployError::Refused(refusals))
    }

    /// The IDs of the stack's most recent events, so that following it
    /// afterwards shows only new ones.
    ///
    /// # Errors
    /// A DescribeStackEvents failure.
    pub async fn seen_events(&self, stack: &str) -> Result<HashSet<String>, DeployError> {
        match retry("DescribeStackEvents", self.backoff, || {
            self.clients
                .cfn
                .describe_stack_events()
                .stack_name(stack)
                .send()
        })
        .await
        {
            Ok(out) => Ok(out
                .stack_events()
                .iter()
                .filter_map(|e| e.event_id().map(str::to_owned))
                .collect()),
            Err(e) if is_missing_stack(&e) => Ok(HashSet::new()),
            Err(e) => Err(aws_error("DescribeStackEvents", &e)),
        }
    }

    /// Executes a change set and follows the stack to the end.
    ///
    /// # Errors
    /// The stack failed, or Ctrl-C stopped following it.
    pub async fn execute(
        &self,
        change_set: &ReadyChangeSet,
        interrupt: &mut Interrupt,
    ) -> Result<String, DeployError> {
        let stack = &change_set.stack_name;
        let seen = self.seen_events(stack).await?;
        retry("ExecuteChangeSet", self.backoff, || {
            self.clients
                .cfn
                .execute_change_set()
                .stack_name(stack)
                .change_set_name(&change_set.name)
                .send()
        })
        .await
        .map_err(|e| aws_error("ExecuteChangeSet", &e))?;
        self.ui.info(format!(
            "executing change set {} on {stack}",
            change_set.name
        ));
        self.follow(stack, seen, false, interrupt).await
    }

    /// Follows a stack until no operation is in progress: prints each new
    /// event, and returns the final status, or the failed events and what
    /// to do if it failed. `deleting`: a stack that no longer exists is
    /// `DELETE_COMPLETE`.
    ///
    /// # Errors
    /// [`DeployError::StackFailed`], [`DeployError::Interrupted`],
    /// [`DeployError::NoStack`].
    pub async fn follow(
        &self,
        stack: &str,
        mut seen: HashSet<String>,
        deleting: bool,
        interrupt: &mut Interrupt,
    ) -> Result<String, DeployError> {
        let progress = self.ui.progress(stack);
        let mut failures = Vec::new();
        loop {
            let status = match self.describe(stack).await? {
                Some(s) => s
                    .stack_status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                None if deleting => "DELETE_COMPLETE".to_owned(),
                None => return Err(DeployError::NoStack(stack.to_owned())),
            };
            progress.status(&status);
            if status != "DELETE_COMPLETE" || !deleting {
                let events = match retry("DescribeStackEvents", self.backoff, || {
                    self.clients
                        .cfn
                        .describe_stack_events()
                        .stack_name(stack)
                        .send()
                })
                .await
                {
                    Ok(out) => out.stack_events().to_vec(),
                    Err(e) if is_missing_stack(&e) => Vec::new(),
                    Err(e) => return Err(aws_error("DescribeStackEvents", &e)),
                };
                // Newest first from the API; shown oldest first.
                for event in events.iter().rev() {
                    let Some(id) = event.event_id() else { continue };
                    if !seen.insert(id.to_owned()) {
                        continue;
                    }
                    let line = event_line(event);
                    progress.event(&line);
                    let failed = event
                        .resource_status()
                        .is_some_and(|s| s.as_str().ends_with("_FAILED"));
                    if failed && event.resource_status_reason().is_some() {
                        failures.push(line);
                    }
                }
            }
            if is_success(&status) || (status == "REVIEW_IN_PROGRESS" && !deleting) {
                progress.finish();
                self.ui.info(format!("stack {stack}: {status}"));
                return Ok(status);
            }
            if is_failure(&status) {
                progress.finish();
                return Err(DeployError::StackFailed {
                    stack: stack.to_owned(),
                    advice: advice(stack, &status),
                    status,
                    failures,
                });
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = interrupted(interrupt) => {
                    progress.finish();
                    return Err(DeployError::Interrupted { stack: stack.to_owned() });
                }
            }
        }
    }

    /// Deletes a stack and waits until it is gone.
    ///
    /// # Errors
    /// DeleteStack failed, or the deletion did.
    pub async fn delete_stack_and_wait(&self, stack: &str) -> Result<String, DeployError> {
        let id = self
            .describe(stack)
            .await?
            .and_then(|s| s.stack_id().map(str::to_owned))
            .unwrap_or_else(|| stack.to_owned());
        let seen = self.seen_events(&id).await?;
        retry("DeleteStack", self.backoff, || {
            self.clients.cfn.delete_stack().stack_name(&id).send()
        })
        .await
        .map_err(|e| aws_error("DeleteStack", &e))?;
        self.follow(&id, seen, true, &mut no_interrupt()).await
    }

    /// The stack's outputs, by key.
    ///
    /// # Errors
    /// The stack does not exist, or DescribeStacks failed.
    pub async fn outputs(&self, stack: &str) -> Result<BTreeMap<String, String>, DeployError> {
        let described = self
            .describe(stack)
            .await?
            .ok_or_else(|| DeployError::NoStack(stack.to_owned()))?;
        Ok(described
            .outputs()
            .iter()
            .filter_map(|o| {
                Some((
                    o.output_key()?.to_owned(),
                    o.output_value().unwrap_or_default().to_owned(),
                ))
            })
            .collect())
    }

    /// Prints outputs as `Key = Value` lines.
    pub fn print_outputs(&self, stack: &str, outputs: &BTreeMap<String, String>) {
        if outputs.is_empty() {
            self.ui.out(format!("Stack {stack} has no outputs."));
            return;
        }
        self.ui.out(format!("Outputs of {stack}:"));
        for (k, v) in outputs {
            self.ui.out(format!("  {k} = {v}"));
        }
    }

    /// Every resource of `stack` (ListStackResources, all pages).
    ///
    /// # Errors
    /// A failed call.
    pub(crate) async fn stack_resources(
        &self,
        stack: &str,
    ) -> Result<Vec<StackResourceSummary>, DeployError> {
        let mut resources = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = retry("ListStackResources", self.backoff, || {
                self.clients
                    .cfn
                    .list_stack_resources()
                    .stack_name(stack)
                    .set_next_token(token.clone())
                    .send()
            })
            .await
            .map_err(|e| aws_error("ListStackResources", &e))?;
            resources.extend(out.stack_resource_summaries().iter().cloned());
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(resources),
            }
        }
    }

    /// The current template of `stack` (GetTemplate), read as JSON or YAML
    /// through the import's reader; `Ok(None)` when it has no body
    /// CloudFormation reads.
    ///
    /// # Errors
    /// A failed call.
    pub(crate) async fn current_template(&self, stack: &str) -> Result<Option<Value>, DeployError> {
        let out = retry("GetTemplate", self.backoff, || {
            self.clients.cfn.get_template().stack_name(stack).send()
        })
        .await
        .map_err(|e| aws_error("GetTemplate", &e))?;
        Ok(out
            .template_body()
            .and_then(|body| streamcdk_core::import::template_json(stack, body).ok()))
    }

    /// Starts the stack's Flink applications that are not running
    /// (CloudFormation creates them stopped).
    ///
    /// # Errors
    /// A failed call.
    pub async fn start_flink(&self, stack: &str) -> Result<Vec<String>, DeployError> {
        let mut started = Vec::new();
        let applications: Vec<String> = self
            .stack_resources(stack)
            .await?
            .into_iter()
            .filter(|r| r.resource_type() == Some("AWS::KinesisAnalyticsV2::Application"))
            .filter_map(|r| r.physical_resource_id().map(str::to_owned))
            .collect();
        for app in applications {
            let described = retry("DescribeApplication", self.backoff, || {
                self.clients
                    .flink
                    .describe_application()
                    .application_name(&app)
                    .send()
            })
            .await
            .map_err(|e| aws_error("DescribeApplication", &e))?;
            let status = described
                .application_detail()
                .map(|d| d.application_status().as_str().to_owned())
                .unwrap_or_default();
            if status != "READY" {
                self.ui
                    .info(format!("Flink application {app} is {status}: not started"));
                continue;
            }
            retry("StartApplication", self.backoff, || {
                self.clients
                    .flink
                    .start_application()
                    .application_name(&app)
                    .send()
            })
            .await
            .map_err(|e| aws_error("StartApplication", &e))?;
            self.ui.info(format!("Flink application {app}: starting"));
            started.push(app);
        }
        Ok(started)
    }

    /// `up`: change set, review, confirmation, execution, outputs.
    ///
    /// # Errors
    /// See [`DeployError`].
    pub async fn up(
        &self,
        request: &ChangeSetRequest,
        options: &UpOptions,
        interrupt: &mut Interrupt,
    ) -> Result<UpOutcome, DeployError> {
        let Some(change_set) = self.prepare_annotated(request).await? else {
            return Ok(UpOutcome::NoChanges);
        };
        self.review(&change_set, &options.allow_replace, true)
            .await?;
        if change_set.changes.is_empty() {
            self.ui.info(
                "the change set changes no resource (parameters, outputs or tags only): executing it",
            );
        }
        if !options.yes
            && !self.ui.confirm(&format!(
                "Execute change set {} on stack {}?",
                change_set.name, change_set.stack_name
            ))
        {
            return Err(DeployError::NotConfirmed {
                change_set: change_set.name,
            });
        }
        let status = self.execute(&change_set, interrupt).await?;
        if options.start_flink {
            self.start_flink(&request.stack_name).await?;
        }
        let outputs = self.outputs(&request.stack_name).await?;
        self.print_outputs(&request.stack_name, &outputs);
        Ok(UpOutcome::Done { status, outputs })
    }

    /// The stack's current template (JSON or YAML), read only when the change
    /// set removes a resource: a removed resource is kept or deleted by its
    /// `DeletionPolicy` there. `None` when nothing is removed or the
    /// template cannot be read; the guard then says what happens unless a
    /// policy keeps the resource.
    async fn current_template_for_removals(&self, change_set: &ReadyChangeSet) -> Option<Value> {
        if !change_set
            .changes
            .iter()
            .any(|c| c.action == Action::Remove)
        {
            return None;
        }
        match self.current_template(&change_set.stack_name).await {
            Ok(template) => template,
            Err(e) => {
                self.ui.info(format!(
                    "could not read the current template of {} ({e}): the retention of removed resources is not known",
                    change_set.stack_name
                ));
                None
            }
        }
    }

    /// The change set of `request`, its removals and replacements annotated
    /// with what their policies keep (a replacement by the new template's
    /// `UpdateReplacePolicy`, a removal by the current template's
    /// `DeletionPolicy`); `None`, after saying so, when nothing changes.
    async fn prepare_annotated(
        &self,
        request: &ChangeSetRequest,
    ) -> Result<Option<ReadyChangeSet>, DeployError> {
        let mut change_set = match self.prepare(request).await? {
            Prepared::NoChanges => {
                self.ui.out(format!(
                    "No changes: stack {} is already up to date.",
                    request.stack_name
                ));
                return Ok(None);
            }
            Prepared::Ready(c) => c,
        };
        let current = self.current_template_for_removals(&change_set).await;
        streamcdk_deploy_plan::annotate_retention(
            &mut change_set.changes,
            current.as_ref(),
            Some(&request.template),
        );
        Ok(Some(change_set))
    }

    /// `diff`: the change set is created, shown and deleted, and so is the
    /// empty `REVIEW_IN_PROGRESS` stack a new stack's diff leaves, unless
    /// `keep`. The guard's refusals are printed as what `up` would refuse.
    ///
    /// # Errors
    /// See [`DeployError`].
    pub async fn diff(
        &self,
        request: &ChangeSetRequest,
        allowed: &[String],
        keep: bool,
    ) -> Result<Vec<ResourceChange>, DeployError> {
        let Some(change_set) = self.prepare_annotated(request).await? else {
            return Ok(Vec::new());
        };
        if let Err(DeployError::Refused(refusals)) = self.review(&change_set, allowed, false).await
        {
            for r in refusals {
                self.ui
                    .out(format!("deploy up would refuse: {}", r.message));
            }
        }
        if keep {
            self.ui.info(format!(
                "change set {} kept (--keep); execute it with `aws cloudformation execute-change-set --stack-name {} --change-set-name {}`",
                change_set.name, change_set.stack_name, change_set.name
            ));
            return Ok(change_set.changes);
        }
        self.delete_change_set(&change_set).await?;
        self.ui
            .info(format!("change set {} deleted", change_set.name));
        if change_set.kind == ChangeSetType::Create {
            let still_review = self
                .describe(&change_set.stack_name)
                .await?
                .is_some_and(|s| {
                    s.stack_status().map(|s| s.as_str()) == Some("REVIEW_IN_PROGRESS")
                });
            if still_review {
                self.delete_stack_and_wait(&change_set.stack_name).await?;
                self.ui.info(format!(
                    "deleted the empty REVIEW_IN_PROGRESS stack {} the diff created",
                    change_set.stack_name
                ));
            }
        }
        Ok(change_set.changes)
    }
}

#[cfg(test)]
#[path = "stack_tests.rs"]
mod tests;
