//! The audit-log benchmark of issue 7: loads a year of events for 100 organizations into
//! PostgreSQL and SQLite through the store's `AuditRepo`, then measures insert throughput
//! (batched and one event per append), the first page of a filtered search, and a CSV
//! export written by the admin API's own row code, whose peak RSS is read in a child
//! process. How to run it and the latest figures: `bench/README.md`.

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use idp_core::Timestamp;
use idp_core::audit::{
    ActivityType, ActorKind, AuditFilter, ChainVerifier, EventKind, GENESIS, InfoType,
    NewAuditEvent,
};
use idp_core::audit_export::{Pages, csv_rows};
use idp_core::ids::{OrgId, UserId};
use idp_core::org::Organization;
use idp_core::ports::{AuditRepo as _, OrgRepo as _};
use idp_store::db::FromDiesel as _;
use idp_store::{Backend, Database, DbOptions, DbTarget};
use rand::distributions::{Distribution as _, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DAY: Duration = Duration::from_secs(86_400);
/// Organizations per tree: a root and its sub-organizations. One tree is what the export
/// reads (an organization's export includes its sub-organizations).
const TREE: usize = 20;

#[derive(Parser)]
#[command(about = "Audit-log benchmark: load, search and export on PostgreSQL and SQLite")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Exports one organization tree as CSV and prints what it took, peak RSS included.
    /// The full run starts this in a child process, so the peak is the export's alone.
    Export(ExportArgs),
}

#[derive(Args)]
struct RunArgs {
    /// A PostgreSQL database to fill (created beforehand, empty or from an earlier run).
    #[arg(long)]
    postgres: Option<String>,
    /// A SQLite file to fill (created when missing).
    #[arg(long)]
    sqlite: Option<String>,
    /// Events loaded by batched appends.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Organizations, in trees of 20 (a root and 19 sub-organizations).
    #[arg(long, default_value_t = 100)]
    orgs: usize,
    /// Events per `append_batch` call (one transaction each).
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Events appended one per `append` call (one transaction each), after the load.
    #[arg(long, default_value_t = 20_000)]
    single: usize,
    /// Timed searches per kind, after 20 untimed ones.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Events on the first page of a search.
    #[arg(long, default_value_t = 50)]
    page: u32,
    /// Use the events an earlier run loaded (same --events and --orgs) instead of failing.
    #[arg(long)]
    reuse: bool,
    /// Times the export runs, each in a fresh child process; the median is reported.
    #[arg(long, default_value_t = 5)]
    export_runs: usize,
    /// Where the export writes its CSV (deleted afterwards); default: the temp directory.
    #[arg(long)]
    csv_dir: Option<std::path::PathBuf>,
}

#[derive(Args)]
struct ExportArgs {
    /// The database URL (postgres://… or sqlite://…).
    #[arg(long)]
    url: String,
    /// The slug of the organization whose tree is exported.
    #[arg(long)]
    org: String,
    /// The CSV file to write.
    #[arg(long)]
    out: std::path::PathBuf,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    match cli.command {
        Some(Command::Export(args)) => runtime.block_on(export(args)),
        None => runtime.block_on(run(cli.run)),
    }
}

/// One line of the results table.
struct Figure {
    backend: &'static str,
    metric: String,
    figure: String,
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.orgs == 0 || !args.orgs.is_multiple_of(TREE) {
        bail!("--orgs must be a positive multiple of {TREE}");
    }
    if args.postgres.is_none() && args.sqlite.is_none() {
        bail!("give --postgres URL, --sqlite PATH or both");
    }
    let mut figures = Vec::new();
    if let Some(url) = &args.postgres {
        figures.extend(bench_backend("PostgreSQL", url, &args).await?);
    }
    if let Some(path) = &args.sqlite {
        figures.extend(bench_backend("SQLite", &format!("sqlite://{path}"), &args).await?);
    }
    println!("\n| backend | metric | figure |\n|---|---|---:|");
    for f in &figures {
        println!("| {} | {} | {} |", f.backend, f.metric, f.figure);
    }
    Ok(())
}

async fn connect(url: &str) -> anyhow::Result<Database> {
    let target = DbTarget::parse(url)?;
    let db = tokio::task::spawn_blocking(move || {
        let db = Database::connect(
            &target,
            &DbOptions {
                max_connections: 4,
                ..DbOptions::default()
            },
        )?;
        db.migrate()?;
        Ok::<_, idp_core::ports::StoreError>(db)
    })
    .await??;
    Ok(db)
}

async fn count_events(db: &Database) -> anyhow::Result<i64> {
    use idp_store::schema::audit_events;
    let n = db
        .run(|c| {
            audit_events::table
                .count()
                .get_result::<i64>(c)
                .map_err(idp_core::ports::StoreError::from_diesel)
        })
        .await?;
    Ok(n)
}

fn progress(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Collects the results table, echoing each line to stderr as it is measured.
#[derive(Default)]
struct Figures(Vec<Figure>);

impl Figures {
    fn put(&mut self, backend: &'static str, metric: &str, figure: String) {
        progress(&format!("{backend}: {metric}: {figure}"));
        self.0.push(Figure {
            backend,
            metric: metric.to_owned(),
            figure,
        });
    }
}

async fn bench_backend(
    backend: &'static str,
    url: &str,
    args: &RunArgs,
) -> anyhow::Result<Vec<Figure>> {
    let mut figures = Figures::default();
    let db = connect(url).await?;
    let plan = Plan::new(args.events)?;
    let already = count_events(&db).await?;
    let orgs = if already == 0 {
        create_orgs(&db, args.orgs).await?
    } else if args.reuse {
        find_orgs(&db, args.orgs).await?
    } else {
        bail!(
            "{backend} already holds {already} audit events: start from an empty database, or pass --reuse"
        );
    };

    if already == 0 {
        let loaded = load_batched(&db, &plan, &orgs, args.batch).await?;
        figures.put(
            backend,
            &format!("insert, batches of {} ({} events)", args.batch, args.events),
            format!("{:.0} events/s", loaded.per_second),
        );
        figures.put(
            backend,
            &format!("insert, one batch of {} (p50 / p99)", args.batch),
            format!("{} / {}", ms(loaded.p50), ms(loaded.p99)),
        );
        let single = load_single(&db, &plan, &orgs, args.single).await?;
        figures.put(
            backend,
            &format!("insert, one event per append ({} events)", args.single),
            format!("{:.0} events/s", single.per_second),
        );
        figures.put(
            backend,
            "insert, one append (p50 / p99)",
            format!("{} / {}", ms(single.p50), ms(single.p99)),
        );
    } else {
        progress(&format!("{backend}: reusing {already} events"));
    }

    let started = Instant::now();
    let verified = verify_chains(&db, &orgs).await?;
    let secs = started.elapsed().as_secs_f64();
    figures.put(
        backend,
        &format!("verify every chain through find_chain ({verified} events)"),
        format!("{:.0} events/s", verified as f64 / secs),
    );

    match db.backend() {
        Backend::Postgres => {
            // Autovacuum analyzes a table that grew by a million rows soon enough; the
            // benchmark does not wait for it (nor trust it to be on).
            analyze(&db, "ANALYZE audit_events; ANALYZE organizations").await?;
            measure_reads(&mut figures, backend, &db, &plan, &orgs, url, args).await?;
        }
        Backend::Sqlite => {
            // Nothing runs ANALYZE on an embedded database unless asked, so SQLite plans
            // without statistics as shipped; measured both ways.
            measure_reads(&mut figures, backend, &db, &plan, &orgs, url, args).await?;
            analyze(&db, "ANALYZE").await?;
            let analyzed = "SQLite after ANALYZE";
            measure_reads(&mut figures, analyzed, &db, &plan, &orgs, url, args).await?;
        }
    }
    Ok(figures.0)
}

async fn analyze(db: &Database, sql: &'static str) -> anyhow::Result<()> {
    db.run(move |c| {
        c.batch_execute(sql)
            .map_err(idp_core::ports::StoreError::from_diesel)
    })
    .await?;
    Ok(())
}

/// Search latency, then the CSV export (in child processes) of the first tree.
async fn measure_reads(
    figures: &mut Figures,
    backend: &'static str,
    db: &Database,
    plan: &Plan,
    orgs: &[Organization],
    url: &str,
    args: &RunArgs,
) -> anyhow::Result<()> {
    let mut rng = StdRng::seed_from_u64(11);
    let leaves: Vec<&Organization> = orgs.iter().filter(|o| !o.is_root()).collect();
    let roots: Vec<&Organization> = orgs.iter().filter(|o| o.is_root()).collect();
    for (what, among) in [
        ("one organization", &leaves),
        ("an organization tree of 20", &roots),
    ] {
        let s = search_latency(db, plan, among, args, &mut rng).await?;
        figures.put(
            backend,
            &format!(
                "search {what} + activity + 30 days, first page of {} (p50 / p99)",
                args.page
            ),
            format!("{} / {}", ms(s.first_p50), ms(s.first_p99)),
        );
        figures.put(
            backend,
            &format!("search {what}, next page by cursor (p50 / p99)"),
            format!("{} / {}", ms(s.next_p50), ms(s.next_p99)),
        );
        figures.put(
            backend,
            &format!("search {what}: events on the first page (median)"),
            format!("{}", s.median_hits),
        );
    }

    let root = roots.first().context("no organization tree")?;
    let mut runs = Vec::with_capacity(args.export_runs);
    for _ in 0..args.export_runs.max(1) {
        runs.push(export_in_child(url, root, args).await?);
    }
    runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    let median = runs.get(runs.len() / 2).context("no export run")?;
    let (fastest, slowest) = match (runs.first(), runs.last()) {
        (Some(f), Some(s)) => (f.secs, s.secs),
        _ => bail!("no export run"),
    };
    let rate = |secs: f64| median.events as f64 / secs;
    figures.put(
        backend,
        &format!(
            "CSV export of one tree ({} events, {:.0} MiB), median of {} runs (range)",
            median.events,
            median.bytes as f64 / 1048576.0,
            runs.len()
        ),
        format!(
            "{:.2} s, {:.0} events/s ({:.0}–{:.0})",
            median.secs,
            rate(median.secs),
            rate(slowest),
            rate(fastest)
        ),
    );
    let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or_default();
    let baseline = runs
        .iter()
        .map(|r| r.baseline_kib)
        .max()
        .unwrap_or_default();
    figures.put(
        backend,
        "CSV export, peak RSS of the exporting process, highest of the runs (before the first page)",
        format!(
            "{:.1} MiB ({:.1} MiB)",
            peak as f64 / 1024.0,
            baseline as f64 / 1024.0
        ),
    );
    Ok(())
}

/// Milliseconds, or "n/a" when nothing was measured.
fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "n/a".to_owned(),
        |d| format!("{:.2} ms", d.as_secs_f64() * 1000.0),
    )
}

/// The `p`-th percentile (0 to 1) of `samples`, by the nearest-rank method.
fn percentile(samples: &mut [Duration], p: f64) -> Option<Duration> {
    samples.sort_unstable();
    let rank = (p * samples.len() as f64).ceil() as usize;
    samples.get(rank.saturating_sub(1)).copied()
}

// ---- What is loaded.

/// The year the events span and how they spread over it.
struct Plan {
    events: usize,
    start: Timestamp,
    end: Timestamp,
}

impl Plan {
    fn new(events: usize) -> anyhow::Result<Self> {
        let end = Timestamp::parse_rfc3339("2026-11-01T00:00:00Z").context("end of the year")?;
        Ok(Self {
            events,
            start: end.minus(DAY * 365),
            end,
        })
    }

    fn span_micros(&self) -> i64 {
        self.end.as_micros() - self.start.as_micros()
    }
}

fn tree_slug(tree: usize, member: usize) -> String {
    if member == 0 {
        format!("bench-{tree}")
    } else {
        format!("bench-{tree}-{member}")
    }
}

/// `n` organizations in trees of [`TREE`]: the root of each tree first, then its children.
async fn create_orgs(db: &Database, n: usize) -> anyhow::Result<Vec<Organization>> {
    let now = Timestamp::parse_rfc3339("2025-01-01").context("creation time")?;
    let mut orgs = Vec::with_capacity(n);
    for tree in 0..n / TREE {
        let slug = tree_slug(tree, 0);
        let root = Organization::new(&slug, Some(&slug), None, now)?;
        db.insert(&root).await?;
        for member in 1..TREE {
            let slug = tree_slug(tree, member);
            let child = Organization::new(&slug, Some(&slug), Some(&root), now)?;
            db.insert(&child).await?;
            orgs.push(child);
        }
        orgs.insert(tree * TREE, root);
    }
    Ok(orgs)
}

async fn find_orgs(db: &Database, n: usize) -> anyhow::Result<Vec<Organization>> {
    let mut orgs = Vec::with_capacity(n);
    for tree in 0..n / TREE {
        for member in 0..TREE {
            let slug = tree_slug(tree, member);
            let org = db
                .find_by_slug(&slug)
                .await?
                .with_context(|| format!("--reuse: no organization {slug}"))?;
            orgs.push(org);
        }
    }
    Ok(orgs)
}

/// What happened, as the product writes it, and how common each kind is.
const ACTIVITIES: [(ActivityType, u32); 14] = [
    (ActivityType::SignIn, 45),
    (ActivityType::TokenRevocation, 10),
    (ActivityType::PersonalInfoAccess, 8),
    (ActivityType::Consent, 8),
    (ActivityType::MemberChange, 6),
    (ActivityType::PasswordReset, 4),
    (ActivityType::PermissionChange, 3),
    (ActivityType::SecuritySettingsChange, 3),
    (ActivityType::AccountLock, 3),
    (ActivityType::AuditAccess, 3),
    (ActivityType::SecondFactorReset, 2),
    (ActivityType::TemporaryPassword, 2),
    (ActivityType::ClientChange, 2),
    (ActivityType::OrganizationChange, 1),
];

const USER_AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "idp-admin-cli/0.1",
];

const SIGN_IN_METHODS: [&str; 6] = [
    "password",
    "totp",
    "recovery_code",
    "email_code",
    "google",
    "entra_id",
];

/// Members per organization that events are about.
const MEMBERS: usize = 200;

/// Makes believable events: members of the organization as targets, realistic user
/// agents and details of the size the product writes. Deterministic for a seed.
struct EventGen {
    rng: StdRng,
    activities: WeightedIndex<u32>,
    members: Vec<Vec<UserId>>,
}

impl EventGen {
    fn new(seed: u64, orgs: usize) -> anyhow::Result<Self> {
        let mut rng = StdRng::seed_from_u64(seed);
        let members = (0..orgs)
            .map(|_| {
                (0..MEMBERS)
                    .map(|_| UserId::from_string(fake_uuid(&mut rng)))
                    .collect()
            })
            .collect();
        Ok(Self {
            rng,
            activities: WeightedIndex::new(ACTIVITIES.iter().map(|(_, w)| *w))?,
            members,
        })
    }

    fn event(&mut self, org_index: usize, org: &OrgId, at: Timestamp) -> NewAuditEvent {
        let rng = &mut self.rng;
        let activity = ACTIVITIES
            .get(self.activities.sample(rng))
            .map_or(ActivityType::SignIn, |(a, _)| *a);
        let target = self
            .members
            .get(org_index)
            .and_then(|m| m.choose(rng))
            .cloned();
        let (event, info_type, detail) = what_happened(activity, rng);
        let actor_kind = match rng.gen_range(0..100) {
            0..70 => ActorKind::Member,
            70..95 => ActorKind::Administrator,
            95..98 => ActorKind::Client,
            _ => ActorKind::System,
        };
        let actor_id = match actor_kind {
            ActorKind::Member => target.as_ref().map(ToString::to_string),
            ActorKind::System => None,
            _ => Some(fake_uuid(rng)),
        };
        NewAuditEvent {
            org_id: org.clone(),
            occurred_at: at,
            actor_kind,
            actor_id,
            target_user_id: target,
            activity,
            event,
            info_type,
            ip: Some(format!(
                "{}.{}.{}.{}",
                rng.gen_range(1..224),
                rng.gen_range(0..256),
                rng.gen_range(0..256),
                rng.gen_range(1..255)
            )),
            user_agent: USER_AGENTS.choose(rng).map(|s| (*s).to_owned()),
            device_id: rng.gen_bool(0.3).then(|| fake_uuid(rng)),
            detail,
        }
    }
}

fn fake_uuid(rng: &mut StdRng) -> String {
    let v: u128 = rng.r#gen();
    let hex = format!("{v:032x}");
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_owned();
    format!(
        "{}-{}-{}-{}-{}",
        part(0, 8),
        part(8, 12),
        part(12, 16),
        part(16, 20),
        part(20, 32)
    )
}

/// The event, information type and detail that go with an activity.
fn what_happened(
    activity: ActivityType,
    rng: &mut StdRng,
) -> (EventKind, InfoType, serde_json::Value) {
    use serde_json::json;
    let either =
        |rng: &mut StdRng, a: EventKind, b: EventKind| if rng.gen_bool(0.5) { a } else { b };
    match activity {
        ActivityType::SignIn => {
            let ok = rng.gen_bool(0.9);
            let method = SIGN_IN_METHODS.choose(rng).copied().unwrap_or("password");
            let detail = if ok {
                json!({"method": method, "outcome": "success"})
            } else {
                json!({"method": method, "outcome": "failure", "reason": "wrong_password"})
            };
            (EventKind::SignIn, InfoType::AuthenticationToken, detail)
        }
        ActivityType::PersonalInfoAccess => (
            either(rng, EventKind::View, EventKind::Download),
            InfoType::Personal,
            json!({"fields": ["name", "email", "phone", "department"]}),
        ),
        ActivityType::PermissionChange => (
            either(rng, EventKind::Create, EventKind::Delete),
            InfoType::Permission,
            json!({"before": {"permissions": ["members:read"]}, "after": {"permissions": ["members:read", "audit:read"]}}),
        ),
        ActivityType::SecuritySettingsChange => (
            EventKind::Edit,
            InfoType::SecuritySettings,
            json!({"before": {"second_factor": "optional"}, "after": {"second_factor": "required"}}),
        ),
        ActivityType::AccountLock => (
            EventKind::Edit,
            InfoType::SecuritySettings,
            json!({"before": {"locked": false}, "after": {"locked": true}, "reason": "failed_sign_ins"}),
        ),
        ActivityType::SecondFactorReset => (
            EventKind::Delete,
            InfoType::SecuritySettings,
            json!({"by": "administrator", "factors": ["totp", "recovery_codes"]}),
        ),
        ActivityType::TemporaryPassword | ActivityType::PasswordReset => (
            either(rng, EventKind::Create, EventKind::Edit),
            InfoType::AuthenticationToken,
            json!({"stage": "completed", "must_change": true}),
        ),
        ActivityType::Consent => (
            either(rng, EventKind::Create, EventKind::Delete),
            InfoType::Personal,
            json!({"client_id": "c0ffee00-0000-7000-8000-000000000001", "scopes": ["openid", "email", "profile"]}),
        ),
        ActivityType::TokenRevocation => (
            EventKind::Delete,
            InfoType::AuthenticationToken,
            json!({"client_id": "c0ffee00-0000-7000-8000-000000000001", "token_type": "refresh_token"}),
        ),
        ActivityType::MemberChange => (
            either(rng, EventKind::Create, EventKind::Edit),
            InfoType::Personal,
            json!({"before": {"status": "active", "department": "Sales"}, "after": {"status": "active", "department": "Support"}}),
        ),
        _ => (
            either(rng, EventKind::Create, EventKind::Edit),
            InfoType::Other,
            json!({"before": {"name": "Portal"}, "after": {"name": "Customer portal"}}),
        ),
    }
}

// ---- Inserts.

struct Throughput {
    per_second: f64,
    p50: Option<Duration>,
    p99: Option<Duration>,
}

impl Throughput {
    /// From the time each call took, for `events` events in all.
    fn of(events: usize, mut timings: Vec<Duration>) -> Self {
        let total: Duration = timings.iter().sum();
        Self {
            per_second: events as f64 / total.as_secs_f64(),
            p50: percentile(&mut timings, 0.5),
            p99: percentile(&mut timings, 0.99),
        }
    }
}

/// `plan.events` events in time order, organization after organization in turn (each
/// gets the same share), `batch` per `append_batch` call. Only the calls are timed.
async fn load_batched(
    db: &Database,
    plan: &Plan,
    orgs: &[Organization],
    batch: usize,
) -> anyhow::Result<Throughput> {
    let mut events = EventGen::new(7, orgs.len())?;
    let step = plan.span_micros() / i64::try_from(plan.events.max(1))?;
    let mut timings = Vec::with_capacity(plan.events / batch.max(1) + 1);
    let mut total = Duration::ZERO;
    let mut next = 0usize;
    while next < plan.events {
        let upto = (next + batch.max(1)).min(plan.events);
        let mut chunk = Vec::with_capacity(upto - next);
        for i in next..upto {
            let org_index = i % orgs.len();
            let org = orgs.get(org_index).context("organization")?;
            let at = Timestamp::from_micros(plan.start.as_micros() + i64::try_from(i)? * step);
            chunk.push(events.event(org_index, &org.id, at));
        }
        let started = Instant::now();
        let stored = db.append_batch(&chunk).await?;
        let took = started.elapsed();
        if stored.len() != chunk.len() {
            bail!("a batch of {} stored {}", chunk.len(), stored.len());
        }
        total += took;
        timings.push(took);
        next = upto;
        if timings.len().is_multiple_of(100) {
            progress(&format!(
                "  {next} events, {:.0} events/s so far",
                next as f64 / total.as_secs_f64()
            ));
        }
    }
    Ok(Throughput::of(plan.events, timings))
}

/// `n` events one `append` at a time, after the loaded year, to the organizations of every
/// tree but the first (so the export's tree keeps exactly its share).
async fn load_single(
    db: &Database,
    plan: &Plan,
    orgs: &[Organization],
    n: usize,
) -> anyhow::Result<Throughput> {
    let mut events = EventGen::new(8, orgs.len())?;
    let targets: Vec<(usize, &Organization)> = orgs.iter().enumerate().skip(TREE).collect();
    if targets.is_empty() {
        bail!("one-by-one appends need a second organization tree");
    }
    let mut timings = Vec::with_capacity(n);
    for i in 0..n {
        let (org_index, org) = targets.get(i % targets.len()).context("organization")?;
        let at = plan.end.plus(Duration::from_millis(u64::try_from(i)?));
        let event = events.event(*org_index, &org.id, at);
        let started = Instant::now();
        db.append(&event).await?;
        timings.push(started.elapsed());
    }
    Ok(Throughput::of(n, timings))
}

/// Walks every organization's chain with `find_chain`, as `idp audit verify` does, and
/// fails at the first broken link. Returns the events checked.
async fn verify_chains(db: &Database, orgs: &[Organization]) -> anyhow::Result<usize> {
    let mut checked = 0;
    for org in orgs {
        let mut verifier = ChainVerifier::new(&GENESIS);
        let mut after = 0;
        loop {
            let page = db.find_chain(&org.id, after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                if let Err(broken) = verifier.check(e) {
                    bail!("the chain of {} is broken: {broken:?}", org.slug);
                }
            }
        }
        checked += verifier.checked();
    }
    Ok(checked)
}

// ---- Search.

struct SearchLatency {
    first_p50: Option<Duration>,
    first_p99: Option<Duration>,
    next_p50: Option<Duration>,
    next_p99: Option<Duration>,
    /// Events on the median first page: below the page size, the range held fewer.
    median_hits: usize,
}

/// First pages of searches by organization (among `orgs`), one activity type and a
/// 30-day range inside the loaded year, varied at random; and the page after each full
/// first page. The first 20 are not timed.
async fn search_latency(
    db: &Database,
    plan: &Plan,
    orgs: &[&Organization],
    args: &RunArgs,
    rng: &mut StdRng,
) -> anyhow::Result<SearchLatency> {
    let warm_up = 20;
    let mut first = Vec::with_capacity(args.queries);
    let mut next = Vec::with_capacity(args.queries);
    let mut hits = Vec::with_capacity(args.queries);
    let window = DAY * 30;
    let latest_start = plan.span_micros() - i64::try_from(window.as_micros())?;
    for n in 0..warm_up + args.queries {
        let org = orgs.choose(rng).context("no organization to search")?;
        let activity = ACTIVITIES
            .choose(rng)
            .map_or(ActivityType::SignIn, |(a, _)| *a);
        let from = Timestamp::from_micros(plan.start.as_micros() + rng.gen_range(0..latest_start));
        let filter = AuditFilter {
            org_path: Some(org.path.clone()),
            activity: Some(activity),
            from: Some(from),
            until: Some(from.plus(window)),
            ..AuditFilter::default()
        };
        let started = Instant::now();
        let page = db.search(&filter, None, args.page).await?;
        let took = started.elapsed();
        let cursor = (page.len() == args.page as usize)
            .then(|| {
                page.last().map(|e| idp_core::audit::AuditCursor {
                    occurred_at: e.event.occurred_at,
                    id: e.id.clone(),
                })
            })
            .flatten();
        let next_took = match &cursor {
            Some(cursor) => {
                let started = Instant::now();
                db.search(&filter, Some(cursor), args.page).await?;
                Some(started.elapsed())
            }
            None => None,
        };
        if n >= warm_up {
            first.push(took);
            next.extend(next_took);
            hits.push(page.len());
        }
    }
    // How many events a query matched is not asked of the store (that would be a count
    // over the range); the first page's size shows whether pages were full.
    hits.sort_unstable();
    Ok(SearchLatency {
        first_p50: percentile(&mut first, 0.5),
        first_p99: percentile(&mut first, 0.99),
        next_p50: percentile(&mut next, 0.5),
        next_p99: percentile(&mut next, 0.99),
        median_hits: hits.get(hits.len() / 2).copied().unwrap_or_default(),
    })
}

// ---- Export.

/// What an export took, as the child process reports it on its last line.
#[derive(serde::Serialize, serde::Deserialize)]
struct ExportMeasure {
    events: usize,
    bytes: u64,
    secs: f64,
    /// Peak resident memory (VmHWM) when the export ended.
    peak_kib: u64,
    /// Peak resident memory before the first page was read (runtime and pool up).
    baseline_kib: u64,
}

async fn export_in_child(
    url: &str,
    root: &Organization,
    args: &RunArgs,
) -> anyhow::Result<ExportMeasure> {
    let dir = args.csv_dir.clone().unwrap_or_else(std::env::temp_dir);
    let out = dir.join(format!("audit-bench-{}.csv", std::process::id()));
    let exe = std::env::current_exe()?;
    let output = tokio::process::Command::new(exe)
        .args(["export", "--url", url, "--org", &root.slug, "--out"])
        .arg(&out)
        .output()
        .await?;
    let _ = std::fs::remove_file(&out);
    if !output.status.success() {
        bail!(
            "the export failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8(output.stdout)?;
    let last = stdout
        .lines()
        .last()
        .context("the export printed nothing")?;
    Ok(serde_json::from_str(last)?)
}

/// Peak resident set size of this process so far, from `/proc/self/status`.
fn peak_rss_kib() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("no VmHWM in /proc/self/status")?;
    let kib = line
        .split_whitespace()
        .nth(1)
        .context("VmHWM without a value")?
        .parse()?;
    Ok(kib)
}

/// The CSV export as the admin API streams it: keyset pages of [`EXPORT_PAGE`] through
/// `search`, each turned into rows by `csv_rows`, written out before the next is read.
async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let db = connect(&args.url).await?;
    let org = db
        .find_by_slug(&args.org)
        .await?
        .with_context(|| format!("no organization {}", args.org))?;
    let filter = AuditFilter {
        org_path: Some(org.path.clone()),
        ..AuditFilter::default()
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(&args.out)?);
    let baseline_kib = peak_rss_kib()?;
    let started = Instant::now();
    let mut pages = Pages::new(Arc::new(db), filter);
    let mut events = 0;
    let mut bytes = 0u64;
    while let Some(page) = pages.next().await? {
        let rows = csv_rows(&page, events == 0)?;
        out.write_all(&rows)?;
        events += page.len();
        bytes += u64::try_from(rows.len())?;
    }
    out.flush()?;
    let secs = started.elapsed().as_secs_f64();
    let measure = ExportMeasure {
        events,
        bytes,
        secs,
        peak_kib: peak_rss_kib()?,
        baseline_kib,
    };
    println!("{}", serde_json::to_string(&measure)?);
    Ok(())
}
