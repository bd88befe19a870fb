//! Grants on a [`Stream`]: the stream's actions on its ARN, then the same
//! intent on its customer key (through the key construct), limited to calls
//! Kinesis makes for the grantee (`kms:ViaService`), as one recorded
//! [`ResourceGrant`].

use streamcdk_core::{Diagnostics, Expr};

use super::{Stream, KEY_READ_ACTIONS, KEY_WRITE_ACTIONS, READ_ACTIONS, WRITE_ACTIONS};
use crate::iam::{Grant, GrantIntent, Grantable, ResourceGrant};

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
        self.grant_intent(grantee, GrantIntent::Custom, actions, key_actions)
    }

    fn grant_intent(
        &self,
        grantee: &dyn Grantable,
        intent: GrantIntent,
        actions: &[&str],
        key_actions: &[&str],
    ) -> Result<Grant, Diagnostics> {
        // The key statement holds only for requests Kinesis makes on the
        // grantee's behalf (`kms:ViaService`): the stream's key then decrypts
        // records read through Kinesis, and nothing else
        // (<https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service>).
        let key = self
            .key
            .as_ref()
            .filter(|_| !key_actions.is_empty())
            .map(|k| {
                k.key_grant(key_actions)
                    .via_service(Expr::sub("kinesis.${AWS::Region}.amazonaws.com"))
            });
        ResourceGrant::new(intent, self.path())
            .of_resource(self.resource())
            .allow(actions.iter().copied(), self.arn())
            .key(key)
            .apply(grantee)
    }

    /// Lets `grantee` read records: [`READ_ACTIONS`] on the stream, plus
    /// [`KEY_READ_ACTIONS`] on the customer key (through Kinesis only) if there is one.
    pub fn grant_read(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_intent(grantee, GrantIntent::Read, READ_ACTIONS, KEY_READ_ACTIONS)
    }

    /// Lets `grantee` put records: [`WRITE_ACTIONS`] on the stream, plus
    /// [`KEY_WRITE_ACTIONS`] on the customer key (through Kinesis only) if there is one.
    pub fn grant_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        self.grant_intent(
            grantee,
            GrantIntent::Write,
            WRITE_ACTIONS,
            KEY_WRITE_ACTIONS,
        )
    }

    /// Both [`Stream::grant_read`] and [`Stream::grant_write`], in one statement per resource.
    pub fn grant_read_write(&self, grantee: &dyn Grantable) -> Result<Grant, Diagnostics> {
        let mut actions: Vec<&str> = READ_ACTIONS.to_vec();
        actions.extend(WRITE_ACTIONS.iter().filter(|a| !READ_ACTIONS.contains(a)));
        let key_actions: Vec<&str> = [KEY_READ_ACTIONS, KEY_WRITE_ACTIONS].concat();
        self.grant_intent(grantee, GrantIntent::ReadWrite, &actions, &key_actions)
    }
}
