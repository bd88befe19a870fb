//! Every parameter of pattern 2, in one place: the original solution's
//! (names, defaults, ranges, labels and groups of REFERENCE.md section 5,
//! with the stream's three of section 4) and this project's additions, each
//! marked as such with its reason. The producer's, the stream's and the
//! application's are declared by `streamcdk-pattern-parts`, which pattern 4
//! shares.

use streamcdk_core::{Parameter, Stack};
use streamcdk_pattern_parts::producer::{ProducerKind, ProducerParameters};
use streamcdk_pattern_parts::stream::StreamParameters;

pub use streamcdk_pattern_parts::application::{
    ApplicationParameters, APPLICATION_RUNTIMES, DEFAULT_APPLICATION_RUNTIME, GROUP_APPLICATION,
};
pub use streamcdk_pattern_parts::producer::PRODUCER_INSTANCE_TYPES;
pub use streamcdk_pattern_parts::stream::GROUP_STREAM;

/// Console group of the producer's parameters (the original's label).
pub const GROUP_PRODUCER: &str = "Amazon Kinesis Producer Library (KPL) configuration";
/// Console group of the alarm e-mail (an addition).
pub const GROUP_NOTIFICATIONS: &str = "Notifications";

/// The default `ApplicationArtifactKey`.
pub const DEFAULT_ARTIFACT_KEY: &str = "streamcdk/flink/kpl-kds-kda.jar";

/// Which stack the parameters are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// `pattern2`: a Flink application from a jar.
    Application,
    /// `pattern2-studio`: a Studio notebook.
    Studio,
}

/// The handles of the parameters of [`declare`].
#[derive(Debug, Clone)]
pub struct Parameters {
    /// The demo producer's seven parameters (`ProducerVpcId` …
    /// `ProducerDurationSeconds`).
    pub producer: ProducerParameters,
    /// `ShardCount`, `RetentionHours`, `EnableEnhancedMonitoring` (original).
    pub stream: StreamParameters,
    /// The Flink application's parameters; `None` in the Studio variant.
    pub application: Option<ApplicationParameters>,
    /// `AlarmEmail` (added: the original notifies nobody).
    pub alarm_email: Parameter<String>,
}

/// Declares the parameters of `variant` on `stack`, with their console
/// labels and groups, in the original's order (its groups first, each with
/// the additions after the original's parameters; the notifications last).
pub fn declare(stack: &Stack, variant: Variant) -> Parameters {
    let producer = ProducerParameters::declare(stack, ProducerKind::Demo);
    let stream = StreamParameters::declare(stack);
    let application = (variant == Variant::Application)
        .then(|| ApplicationParameters::declare(stack, DEFAULT_ARTIFACT_KEY));
    let alarm_email = streamcdk_constructs::sns::alarm_email_parameter(stack);

    ProducerParameters::add_group(stack, GROUP_PRODUCER);
    StreamParameters::add_group(stack);
    if application.is_some() {
        ApplicationParameters::add_group(stack);
    }
    stack.add_parameter_group_by_name(GROUP_NOTIFICATIONS, &["AlarmEmail"]);

    Parameters {
        producer,
        stream,
        application,
        alarm_email,
    }
}
