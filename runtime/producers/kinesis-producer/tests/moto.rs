//! End to end against a local moto server: the producer engine with the real SDK client puts 1,000 records into a
//! 2-shard stream, and every shard is read back to check that each record arrived once, in per-key order.
//!
//! moto is found at `STREAMCDK_MOTO_SERVER`, else `<workspace root>/.venv/bin/moto_server`. When it is absent the
//! test prints a skip message and passes, unless `STREAMCDK_REQUIRE_MOTO` is set, when it fails.

use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_kinesis::types::ShardIteratorType;
use kinesis_producer::kinesis::{stream_max_record_kib, SdkPutRecords};
use kinesis_producer::{Engine, Limits, Record, RetryPolicy};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops moto by its own PID when dropped, even when the test panics.
struct MotoGuard(Child);

impl Drop for MotoGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn moto_path() -> Option<PathBuf> {
    let path = match std::env::var_os("STREAMCDK_MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../.venv/bin/moto_server"),
    };
    path.is_file().then_some(path)
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// `GET /moto-api/data.json` answers 200.
fn moto_ready(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = format!(
        "GET /moto-api/data.json HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
        || head.starts_with(b"HTTP/1.0 200")
}

fn start_moto(path: &PathBuf) -> (MotoGuard, u16) {
    let port = free_port();
    let child = Command::new(path)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
    let guard = MotoGuard(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !moto_ready(port) {
        assert!(
            Instant::now() < deadline,
            "moto did not answer on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (guard, port)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_delivers_every_record_once_in_key_order() {
    let Some(path) = moto_path() else {
        assert!(
            std::env::var_os("STREAMCDK_REQUIRE_MOTO").is_none(),
            "STREAMCDK_REQUIRE_MOTO is set but moto_server was not found (set STREAMCDK_MOTO_SERVER or create .venv)"
        );
        // Written to stderr directly so the harness's output capture does not hide it.
        let _ = writeln!(
            std::io::stderr(),
            "SKIP producer_delivers_every_record_once_in_key_order: moto_server not found (set STREAMCDK_MOTO_SERVER)"
        );
        return;
    };
    let (_moto, port) = start_moto(&path);
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "static"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .build();
    let client = aws_sdk_kinesis::Client::from_conf(config);
    let stream = "producer-it";
    client
        .create_stream()
        .stream_name(stream)
        .shard_count(2)
        .send()
        .await
        .expect("CreateStream");
    let max_record_kib = stream_max_record_kib(&client, stream)
        .await
        .expect("DescribeStreamSummary")
        .unwrap_or(1024);

    // 1,000 records over 50 keys; each payload names its key and its per-key sequence.
    let records: Vec<Record> = (0..1_000)
        .map(|i| {
            let key = format!("key-{:02}", i % 50);
            Record::new(
                key.clone(),
                format!("{{\"key\":\"{key}\",\"n\":{}}}", i / 50),
            )
        })
        .collect();
    let mut engine = Engine::new(
        SdkPutRecords::new(client.clone(), stream),
        Limits::with_max_record_kib(max_record_kib),
        RetryPolicy::default(),
    );
    engine
        .send(records.clone(), &mut |_| {})
        .await
        .expect("send");
    assert_eq!(engine.stats().sent, 1_000);
    assert_eq!(
        engine.stats().calls,
        20,
        "one record per key per call: 50 per call"
    );

    // Read every shard from the start.
    let shards = client
        .list_shards()
        .stream_name(stream)
        .send()
        .await
        .expect("ListShards");
    assert_eq!(shards.shards().len(), 2);
    let mut received: Vec<(String, Vec<u8>)> = Vec::new();
    for shard in shards.shards() {
        let mut iterator = client
            .get_shard_iterator()
            .stream_name(stream)
            .shard_id(shard.shard_id())
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("GetShardIterator")
            .shard_iterator()
            .map(str::to_owned);
        while let Some(current) = iterator {
            let page = client
                .get_records()
                .shard_iterator(current)
                .send()
                .await
                .expect("GetRecords");
            for record in page.records() {
                received.push((
                    record.partition_key().unwrap_or_default().to_owned(),
                    record.data().as_ref().to_vec(),
                ));
            }
            let caught_up = page.records().is_empty() || page.millis_behind_latest() == Some(0);
            iterator = if caught_up && page.records().is_empty() {
                None
            } else {
                page.next_shard_iterator().map(str::to_owned)
            };
        }
    }

    let unique: HashSet<&(String, Vec<u8>)> = received.iter().collect();
    let duplicates = received.len() - unique.len();
    assert_eq!(duplicates, 0, "duplicates in the stream");
    assert_eq!(received.len(), 1_000, "every record arrived");
    let mut by_key: HashMap<&str, Vec<&[u8]>> = HashMap::new();
    for (key, data) in &received {
        by_key.entry(key).or_default().push(data);
    }
    for record in &records {
        let arrived = by_key
            .get_mut(record.partition_key.as_str())
            .expect("key arrived");
        assert_eq!(
            arrived.remove(0),
            record.data.as_slice(),
            "per-key order for {}",
            record.partition_key
        );
    }
}
