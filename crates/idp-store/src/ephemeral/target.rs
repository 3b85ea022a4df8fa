//! Where Redis is, as `redis.url` says: one server (`redis://`, `rediss://`), or the
//! master that Redis Sentinel names (`redis+sentinel://`, `rediss+sentinel://`).
//!
//! The Sentinel form, which the `url` crate cannot read (it has several hosts):
//!
//! ```text
//! redis+sentinel://[user[:password]@]host[:port][,host[:port]…]/master-name[/db]
//!     [?sentinel_username=…&sentinel_password=…]
//! ```
//!
//! The port defaults to 26379; the credentials before `@` (percent-encoded) are the
//! master's and its replicas', the query's are the sentinels' own; `rediss+sentinel`
//! speaks TLS to the sentinels and to the master.

use percent_encoding::percent_decode_str;
use redis::IntoConnectionInfo as _;

/// The port sentinels listen on unless told otherwise.
pub const SENTINEL_PORT: u16 = 26379;

/// What is wrong with a `redis.url`, in words that follow the key's name.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RedisUrlError {
    #[error("must start with redis://, rediss://, redis+sentinel:// or rediss+sentinel://")]
    Scheme,
    #[error("is not a Redis URL: {0}")]
    Server(String),
    #[error("names no sentinel: write redis+sentinel://host:26379,host2:26379/master-name")]
    NoSentinel,
    #[error("has a sentinel address that is not host or host:port: {0:?}")]
    SentinelAddress(String),
    #[error(
        "names no master: put the name the sentinels monitor after the addresses, as in redis+sentinel://host:26379/mymaster"
    )]
    NoMaster,
    #[error("has a database number that is not a whole number from 0: {0:?}")]
    Db(String),
    #[error("has more path than /master-name/db")]
    Path,
    #[error(
        "has the query parameter {0:?}; only sentinel_username and sentinel_password are known"
    )]
    Query(String),
    #[error("has credentials that are not percent-encoded UTF-8")]
    Credentials,
}

/// A parsed `redis.url`. Its `Debug` never shows a password.
#[derive(Clone, PartialEq, Eq)]
pub enum RedisTarget {
    /// One server, in the URL form the `redis` crate reads.
    Server(String),
    /// A master found through Sentinel, asked again after every failover.
    Sentinel(SentinelTarget),
}

#[derive(Clone, PartialEq, Eq)]
pub struct SentinelTarget {
    /// Host and port of each sentinel, in the order written.
    pub sentinels: Vec<(String, u16)>,
    /// The name the sentinels monitor the master under.
    pub master_name: String,
    /// TLS to the sentinels and to the master.
    pub tls: bool,
    pub db: i64,
    pub username: Option<String>,
    pub password: Option<String>,
    pub sentinel_username: Option<String>,
    pub sentinel_password: Option<String>,
}

impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The URL may carry a password.
            Self::Server(_) => f.write_str("Server(…)"),
            Self::Sentinel(t) => f.debug_tuple("Sentinel").field(t).finish(),
        }
    }
}

impl std::fmt::Debug for SentinelTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |p: &Option<String>| p.as_ref().map(|_| "***");
        f.debug_struct("SentinelTarget")
            .field("sentinels", &self.sentinels)
            .field("master_name", &self.master_name)
            .field("tls", &self.tls)
            .field("db", &self.db)
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("sentinel_username", &self.sentinel_username)
            .field("sentinel_password", &hidden(&self.sentinel_password))
            .finish()
    }
}

impl RedisTarget {
    pub fn parse(url: &str) -> Result<Self, RedisUrlError> {
        let (scheme, rest) = url.split_once("://").ok_or(RedisUrlError::Scheme)?;
        match scheme {
            "redis" | "rediss" => {
                url.into_connection_info()
                    .map_err(|e| RedisUrlError::Server(e.to_string()))?;
                Ok(Self::Server(url.to_owned()))
            }
            "redis+sentinel" => parse_sentinel(rest, false).map(Self::Sentinel),
            "rediss+sentinel" => parse_sentinel(rest, true).map(Self::Sentinel),
            _ => Err(RedisUrlError::Scheme),
        }
    }
}

fn decoded(text: &str) -> Result<Option<String>, RedisUrlError> {
    let text = percent_decode_str(text)
        .decode_utf8()
        .map_err(|_| RedisUrlError::Credentials)?;
    Ok((!text.is_empty()).then(|| text.into_owned()))
}

fn parse_sentinel(rest: &str, tls: bool) -> Result<SentinelTarget, RedisUrlError> {
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, hosts) = match authority.rsplit_once('@') {
        Some((userinfo, hosts)) => (Some(userinfo), hosts),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        Some(info) => match info.split_once(':') {
            Some((user, password)) => (decoded(user)?, decoded(password)?),
            None => (decoded(info)?, None),
        },
        None => (None, None),
    };
    if hosts.is_empty() {
        return Err(RedisUrlError::NoSentinel);
    }
    let sentinels = hosts
        .split(',')
        .map(sentinel_address)
        .collect::<Result<Vec<_>, _>>()?;
    let mut segments = path.split('/');
    let master_name = segments
        .next()
        .filter(|name| !name.is_empty())
        .ok_or(RedisUrlError::NoMaster)?;
    let master_name = decoded(master_name)
        .map_err(|_| RedisUrlError::NoMaster)?
        .ok_or(RedisUrlError::NoMaster)?;
    let db = match segments.next() {
        None | Some("") => 0,
        Some(db) => db
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| RedisUrlError::Db(db.to_owned()))?,
    };
    if segments.any(|s| !s.is_empty()) {
        return Err(RedisUrlError::Path);
    }
    let (mut sentinel_username, mut sentinel_password) = (None, None);
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let value = (!value.is_empty()).then(|| value.into_owned());
        match key.as_ref() {
            "sentinel_username" => sentinel_username = value,
            "sentinel_password" => sentinel_password = value,
            other => return Err(RedisUrlError::Query(other.to_owned())),
        }
    }
    Ok(SentinelTarget {
        sentinels,
        master_name,
        tls,
        db,
        username,
        password,
        sentinel_username,
        sentinel_password,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn sentinel_address(text: &str) -> Result<(String, u16), RedisUrlError> {
    let wrong = || RedisUrlError::SentinelAddress(text.to_owned());
    if text.is_empty() {
        return Err(wrong());
    }
    let parsed = url::Url::parse(&format!("redis://{text}")).map_err(|_| wrong())?;
    if !parsed.username().is_empty() || parsed.path() != "" && parsed.path() != "/" {
        return Err(wrong());
    }
    let host = match parsed.host().ok_or_else(wrong)? {
        url::Host::Domain(name) => name.to_owned(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    };
    Ok((host, parsed.port().unwrap_or(SENTINEL_PORT)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentinel(url: &str) -> SentinelTarget {
        match RedisTarget::parse(url) {
            Ok(RedisTarget::Sentinel(t)) => t,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn one_server_is_the_crates_own_form() {
        assert_eq!(
            RedisTarget::parse("redis://127.0.0.1:6379/2"),
            Ok(RedisTarget::Server("redis://127.0.0.1:6379/2".into()))
        );
        assert!(matches!(
            RedisTarget::parse("rediss://:pw@redis.example.com"),
            Ok(RedisTarget::Server(_))
        ));
        assert_eq!(RedisTarget::parse("http://x"), Err(RedisUrlError::Scheme));
        assert_eq!(
            RedisTarget::parse("localhost:6379"),
            Err(RedisUrlError::Scheme)
        );
        assert!(matches!(
            RedisTarget::parse("redis://host/notadb"),
            Err(RedisUrlError::Server(_))
        ));
    }

    #[test]
    fn sentinels_master_db_and_credentials() {
        let t = sentinel(
            "rediss+sentinel://app:p%40ss%2Fw@s1.example.com,10.0.0.2:26380,[::1]:26381/main/3?sentinel_password=sp",
        );
        assert_eq!(
            t.sentinels,
            [
                ("s1.example.com".to_owned(), SENTINEL_PORT),
                ("10.0.0.2".to_owned(), 26380),
                ("::1".to_owned(), 26381)
            ]
        );
        assert_eq!(t.master_name, "main");
        assert_eq!(t.db, 3);
        assert!(t.tls);
        assert_eq!(t.username.as_deref(), Some("app"));
        assert_eq!(t.password.as_deref(), Some("p@ss/w"));
        assert_eq!(t.sentinel_username, None);
        assert_eq!(t.sentinel_password.as_deref(), Some("sp"));
        let debug = format!("{:?}", RedisTarget::Sentinel(t));
        assert!(
            !debug.contains("p@ss") && !debug.contains("sp\""),
            "{debug}"
        );

        let t = sentinel("redis+sentinel://:only-password@h:1/m/");
        assert_eq!(
            (t.username, t.password.as_deref()),
            (None, Some("only-password"))
        );
        assert_eq!((t.db, t.tls), (0, false));
    }

    #[test]
    fn sentinel_mistakes_are_named() {
        let cases = [
            ("redis+sentinel:///m", RedisUrlError::NoSentinel),
            ("redis+sentinel://h1:26379", RedisUrlError::NoMaster),
            ("redis+sentinel://h1:26379/", RedisUrlError::NoMaster),
            (
                "redis+sentinel://h1,,h2/m",
                RedisUrlError::SentinelAddress(String::new()),
            ),
            (
                "redis+sentinel://h1:port/m",
                RedisUrlError::SentinelAddress("h1:port".into()),
            ),
            ("redis+sentinel://h1/m/x", RedisUrlError::Db("x".into())),
            ("redis+sentinel://h1/m/-1", RedisUrlError::Db("-1".into())),
            ("redis+sentinel://h1/m/0/extra", RedisUrlError::Path),
            (
                "redis+sentinel://h1/m?password=x",
                RedisUrlError::Query("password".into()),
            ),
        ];
        for (url, error) in cases {
            assert_eq!(RedisTarget::parse(url), Err(error), "{url}");
        }
    }
}
