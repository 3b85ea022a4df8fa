//! Fetching the small documents a registration points at (a `sector_identifier_uri`):
//! a short timeout, no redirects, a size cap.

use async_trait::async_trait;
use idp_core::ports::Fetcher;
use std::time::Duration;

/// The most a registration document may weigh.
const MAX_BYTES: usize = 64 * 1024;

pub struct HttpFetcher {
    http: reqwest::Client,
}

impl HttpFetcher {
    pub fn new(timeout: Duration) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { http })
    }
}

#[async_trait]
impl Fetcher for HttpFetcher {
    async fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let mut response = self.http.get(url).send().await.map_err(|e| {
            if e.is_timeout() {
                "it did not answer in time".to_owned()
            } else {
                "it could not be reached".to_owned()
            }
        })?;
        if !response.status().is_success() {
            return Err(format!("it answered {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| "its answer broke off".to_owned())?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_BYTES {
                return Err(format!("it is larger than {MAX_BYTES} bytes"));
            }
        }
        Ok(body)
    }
}
