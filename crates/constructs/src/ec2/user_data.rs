//! The producer's user data: a first-boot script (an `Fn::Sub` template whose
//! only variables are the artifact's bucket and key) that installs three
//! systemd units; the artifact itself is installed by the configure unit.
//!
//! - `producer.service` runs `/opt/producer/<command>` with the environment
//!   file `/etc/producer/env`, as a dynamic (unprivileged) user, restarted on
//!   failure; a duration ends it through `timeout` (exit 124 counts as success).
//! - `producer-configure.service` (enabled, at every boot) installs the
//!   artifact that the current user data names (its `# producer-artifact:`
//!   line, read through IMDSv2) when it differs from the installed one, reads
//!   the instance tags into the environment file, and starts or stops the
//!   producer. New code is a new content-hashed key, hence new user data,
//!   which CloudFormation applies by stopping and starting the instance; the
//!   boot run then installs it (cloud-init runs the user-data script itself
//!   only at the first boot).
//! - `producer-poll.timer` repeats that every minute and restarts the
//!   producer only when a tag or the artifact changed, so a stack update of
//!   the settings takes effect without a reboot.
//!
//! The script writes no `${...}` other than its two variables: shell
//! variables are written `$name`, so the template is safe for `Fn::Sub`.

use super::{TAG_DURATION, TAG_ENV_PREFIX, TAG_RATE, TAG_START};

/// The first-boot script for `command` (a checked relative path inside
/// `/opt/producer`) and the `packages` to install first (checked names).
pub(super) fn script(command: &str, packages: &[String], description: &str) -> String {
    let packages = std::iter::once("unzip")
        .chain(packages.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let env_prefix_len = TAG_ENV_PREFIX.len() + 1;
    format!(
        r#"#!/bin/bash
# First boot only: installs the producer's systemd units. The artifact below
# is installed by producer-configure at every boot, and again whenever this
# line names another one. Settings are read from the instance tags at every
# boot and every minute.
# producer-artifact: s3://${{ArtifactBucket}}/${{ArtifactKey}}
set -euo pipefail
dnf install -y {packages}
install -d -m 0755 /opt/producer /etc/producer
touch /etc/producer/env

cat > /usr/local/bin/producer-run <<'EOF'
#!/bin/bash
if [ "$PRODUCER_DURATION_SECONDS" -gt 0 ] 2>/dev/null; then
  exec timeout "$PRODUCER_DURATION_SECONDS" "/opt/producer/{command}"
fi
exec "/opt/producer/{command}"
EOF

cat > /usr/local/bin/producer-configure <<'EOF'
#!/bin/bash
# Usage: producer-configure boot|poll
set -uo pipefail
mode=$1
imds=http://169.254.169.254/latest
token=$(curl -sf -X PUT "$imds/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 300") || exit 1
meta() {{ curl -sf -H "X-aws-ec2-metadata-token: $token" "$imds/$1"; }}
tag() {{ meta "meta-data/tags/instance/$1"; }}
changed=no
artifact=$(meta user-data | sed -n 's/^# producer-artifact: //p' | head -n 1)
if [ -n "$artifact" ] && [ "$artifact" != "$(cat /etc/producer/artifact 2>/dev/null)" ]; then
  download=$(mktemp)
  if aws s3 cp "$artifact" "$download" --region "$(meta meta-data/placement/region)" --only-show-errors; then
    rm -rf /opt/producer.new /opt/producer.old
    install -d -m 0755 /opt/producer.new
    if unzip -tq "$download" >/dev/null 2>&1; then
      unzip -oq "$download" -d /opt/producer.new
    else
      install -D -m 0755 "$download" "/opt/producer.new/{command}"
    fi
    chmod 0755 "/opt/producer.new/{command}"
    mv /opt/producer /opt/producer.old && mv /opt/producer.new /opt/producer && rm -rf /opt/producer.old
    echo "$artifact" > /etc/producer/artifact
    changed=yes
  fi
  rm -f "$download"
fi
new=$(mktemp)
echo "PRODUCER_START=$(tag {TAG_START})" >> "$new"
echo "PRODUCER_RATE_RECORDS_PER_SECOND=$(tag {TAG_RATE})" >> "$new"
echo "PRODUCER_DURATION_SECONDS=$(tag {TAG_DURATION})" >> "$new"
for key in $(meta meta-data/tags/instance | grep '^{TAG_ENV_PREFIX}'); do
  echo "$(echo "$key" | cut -c{env_prefix_len}-)=$(tag "$key")" >> "$new"
done
if cmp -s "$new" /etc/producer/env; then
  rm -f "$new"
  [ "$mode" = boot ] || [ "$changed" = yes ] || exit 0
else
  mv "$new" /etc/producer/env
  chmod 0644 /etc/producer/env
fi
if grep -qx 'PRODUCER_START=true' /etc/producer/env; then
  systemctl restart producer.service
else
  systemctl stop producer.service
fi
EOF
chmod 0755 /usr/local/bin/producer-run /usr/local/bin/producer-configure

cat > /etc/systemd/system/producer.service <<'EOF'
[Unit]
Description={description}
After=network-online.target
Wants=network-online.target
[Service]
EnvironmentFile=/etc/producer/env
ExecStart=/usr/local/bin/producer-run
DynamicUser=yes
Restart=on-failure
RestartSec=10
SuccessExitStatus=124
EOF

cat > /etc/systemd/system/producer-configure.service <<'EOF'
[Unit]
Description=Installs the producer artifact and applies the settings from the instance tags at boot
After=network-online.target
Wants=network-online.target
[Service]
Type=oneshot
ExecStart=/usr/local/bin/producer-configure boot
[Install]
WantedBy=multi-user.target
EOF

cat > /etc/systemd/system/producer-poll.service <<'EOF'
[Unit]
Description=Applies changed producer settings from the instance tags
[Service]
Type=oneshot
ExecStart=/usr/local/bin/producer-configure poll
EOF

cat > /etc/systemd/system/producer-poll.timer <<'EOF'
[Unit]
Description=Reads the producer settings from the instance tags every minute
[Timer]
OnBootSec=2min
OnUnitActiveSec=1min
[Install]
WantedBy=timers.target
EOF

systemctl daemon-reload
systemctl enable producer-configure.service producer-poll.timer
systemctl start producer-configure.service producer-poll.timer
"#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_has_no_sub_variables_but_its_two() {
        let s = super::script(
            "bin/producer",
            &["java-21-amazon-corretto-headless".into()],
            "P",
        );
        let vars: Vec<&str> = s
            .match_indices("${")
            .map(|(i, _)| {
                let end = s[i..].find('}').map_or(s.len(), |e| i + e + 1);
                &s[i..end]
            })
            .collect();
        assert_eq!(vars, ["${ArtifactBucket}", "${ArtifactKey}"]);
        // The configure unit finds the artifact in this line of the user data.
        assert!(s.contains("\n# producer-artifact: s3://${ArtifactBucket}/${ArtifactKey}\n"));
        assert!(s.contains("sed -n 's/^# producer-artifact: //p'"));
        assert!(s.contains("dnf install -y unzip java-21-amazon-corretto-headless"));
        assert!(s.contains("cut -c14-"));
    }

    #[test]
    fn the_script_is_valid_bash() {
        // `bash -n` parses without running anything.
        let s = super::script("kinesis-producer", &[], "P");
        let dir = std::env::temp_dir().join(format!("streamcdk-user-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("user-data.sh");
        std::fs::write(&file, &s).unwrap();
        let status = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "bash -n rejects the user data");
        // The configure script inside it parses too.
        let start = s
            .find("cat > /usr/local/bin/producer-configure <<'EOF'\n")
            .unwrap();
        let body = &s[start..];
        let body = &body[body.find('\n').unwrap() + 1..];
        let body = &body[..body.find("\nEOF\n").unwrap()];
        std::fs::write(&file, body).unwrap();
        let status = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success(), "bash -n rejects producer-configure");
    }
}
