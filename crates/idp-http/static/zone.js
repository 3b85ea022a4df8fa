// Tells idp the browser's time zone, so times on its pages read in local time for
// a member who has not chosen one on /account.
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    // IANA names (Asia/Seoul, Etc/GMT+9) hold only characters a cookie may carry.
    if (!/^[A-Za-z0-9_+\/-]{1,64}$/.test(zone)) return;
    var value = "idp_tz=" + zone;
    if (document.cookie.split("; ").indexOf(value) >= 0) return;
    document.cookie = value + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  } catch (e) {
    // Times stay in UTC.
  }
})();
