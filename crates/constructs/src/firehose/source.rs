//! Where a delivery stream reads from: [`Source`].

use streamcdk_core::{Diagnostics, Expr};
use streamcdk_resources::firehose::{delivery_stream as ds, DeliveryStreamProps as L1Props};

use crate::iam::{Grant, Role};
use crate::kinesis::Stream;
use crate::validation::{parse_arn, PropsCheck};

/// Where a delivery stream reads from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Producers call PutRecord/PutRecordBatch on the delivery stream.
    DirectPut {
        /// Server-side encryption of data at rest in the delivery stream.
        encryption: DirectPutEncryption,
    },
    /// The delivery stream reads a Kinesis data stream construct, created in
    /// this stack or imported ([`Stream::from_arn`], which takes a parameter
    /// or an `Fn::ImportValue` too): the role gets the stream's own
    /// [`Stream::grant_read`], with its customer key (if any) scoped to
    /// Kinesis by `kms:ViaService`. Firehose reads with shared throughput,
    /// not through enhanced fan-out consumers.
    KinesisStream(Box<Stream>),
}

impl Source {
    /// A Kinesis data stream source (created here or imported).
    pub fn kinesis_stream(stream: &Stream) -> Self {
        Source::KinesisStream(Box::new(stream.clone()))
    }

    /// Direct put with the AWS-owned key (the default encryption).
    pub fn direct_put() -> Self {
        Source::DirectPut {
            encryption: DirectPutEncryption::AwsOwnedKey,
        }
    }

    /// Whether producers put records directly.
    pub fn is_direct_put(&self) -> bool {
        matches!(self, Source::DirectPut { .. })
    }

    /// Checks what can be checked before anything is created.
    pub(super) fn check(&self, check: &mut PropsCheck) {
        if let Source::DirectPut {
            encryption: DirectPutEncryption::CustomerKey(arn),
        } = self
        {
            if let Some(a) = arn.node().as_str() {
                let ok = parse_arn(a).is_some_and(|p| {
                    p.service == "kms"
                        && (p.resource.starts_with("key/") || p.resource.starts_with("alias/"))
                });
                check.ensure(ok, "firehose/encryption-key", || {
                    format!("'{a}' is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID or alias/NAME)")
                });
            }
        }
    }

    /// Lets `role` read the source: the stream's own read grant, or nothing
    /// for direct put.
    pub(super) fn grant_read(&self, role: &Role) -> Result<Option<Grant>, Diagnostics> {
        match self {
            Source::DirectPut { .. } => Ok(None),
            Source::KinesisStream(stream) => stream.grant_read(role).map(Some),
        }
    }

    /// Sets the source (and direct-put encryption) on the L1 props.
    pub(super) fn configure(&self, props: L1Props, role_arn: Expr<String>) -> L1Props {
        match self {
            Source::DirectPut { encryption } => props
                .delivery_stream_type("DirectPut")
                .delivery_stream_encryption_configuration_input(encryption.to_l1()),
            Source::KinesisStream(stream) => props
                .delivery_stream_type("KinesisStreamAsSource")
                .kinesis_stream_source_configuration(
                    ds::KinesisStreamSourceConfiguration::default()
                        .kinesis_stream_arn(stream.arn())
                        .role_arn(role_arn),
                ),
        }
    }
}

/// Encryption at rest of a direct-put delivery stream.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DirectPutEncryption {
    /// An AWS-owned key. The default: on, at no cost.
    #[default]
    AwsOwnedKey,
    /// A customer-managed KMS key, by ARN (checked when literal).
    CustomerKey(Expr<String>),
}

impl DirectPutEncryption {
    fn to_l1(&self) -> ds::DeliveryStreamEncryptionConfigurationInput {
        match self {
            DirectPutEncryption::AwsOwnedKey => {
                ds::DeliveryStreamEncryptionConfigurationInput::default().key_type("AWS_OWNED_CMK")
            }
            DirectPutEncryption::CustomerKey(arn) => {
                ds::DeliveryStreamEncryptionConfigurationInput::default()
                    .key_type("CUSTOMER_MANAGED_CMK")
                    .key_arn(arn.clone())
            }
        }
    }
}
