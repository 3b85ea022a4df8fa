//! Every Redis key `idp` writes is built here, under one prefix.

/// Prefixes a port-level key so that several deployments can share one Redis.
pub fn namespaced(prefix: &str, key: &str) -> String {
    format!("{prefix}:{key}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_carry_the_prefix() {
        assert_eq!(super::namespaced("idp", "code:abc"), "idp:code:abc");
    }
}
