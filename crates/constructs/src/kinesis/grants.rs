//! Grants on a [`Stream`]: the stream's actions on its ARN, then the same
//! intent on its customer key through the key construct's own grant, limited
//! to calls Kinesis makes for the grantee (`kms:ViaService`).

use streamcdk_core::{Diagnostics, Expr};

use super::{Stream, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, READ_ACTIONS, WRITE_ACTIONS};
use crate::iam::{Grant, Grantable, PolicyStatement};

/// A grantee whose statements hold only for requests that Kinesis makes on
/// its behalf (`kms:ViaService` = `kinesis.<region>.amazonaws.com`): the key
/// of a stream then decrypts records read through Kinesis, and nothing else
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service>).
struct ThroughKinesis<'a>(&'a dyn Grantable);

impl Grantable for ThroughKinesis<'_> {
    fn grant(&self, statement: PolicyStatement) -> Result<Grant, Diagnostics> {
        self.0.grant(statement.condition(
            "StringEquals",
            "kms:ViaService",
            Expr::sub("kinesis.${AWS::Region}.amazonaws.com"),
        ))
    }
}

impl Stream {
    /// Grants `actions` on the stream to `grantee`, and `key_actions` on its
    /// customer key (if it has one) through the key's own
    /// [`crate::kms::Key::grant`], only through Kinesis. Returns the grant of
    /// the stream statement (both are in the grantee's one policy).
    pub fn grant(
        &self,
        grantee: &dyn Grantable,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        let grant = grantee.grant(
            PolicyStatement::allow()
                .actions(actions.iter().copied())
                .resource(self.arn()),
        )?;
        if let Some(key) = &self.key {
            if !key_actions.is_empty() {
                key.grant(&ThroughKinesis(grantee), key_actions)?;
            }
        }
        Ok(grant)
    }

    /// Lets `grantee` read records: [`READ_ACTIONS`] on the stream, plus
    /// [`KEY_READ_ACTIONS`] on the customer key (through Kinesis only) if there is one.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant(grantee, READ_ACTIONS, KEY_READ_ACTIONS)
    }

    /// Lets `grantee` put records: [`WRITE_ACTIONS`] on the stream, plus
    /// [`KEY_WRITE_ACTIONS`] on the customer key (through Kinesis only) if there is one.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant(grantee, WRITE_ACTIONS, KEY_WRITE_ACTIONS)
    }

    /// Both [`Stream::grant_read`] and [`Stream::grant_write`], in one statement per resource.
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let mut actions: Vec<&str> = READ_ACTIONS.to_vec();
        actions.extend(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)));
        let key_actions: Vec<&str> = [KEY_READ_ACTIONS, KEY_WRITE_ACTIONS].concat();
        self.grant(grantee, &actions, &key_actions)
    }
}
