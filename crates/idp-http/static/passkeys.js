// Passkey ceremonies for forms marked data-passkey="create" (adding one) or "get"
// (using one). The server put the ceremony's options in the form's data-options (JSON,
// binary fields in base64url); on submit this runs the browser's ceremony and sends its
// answer back in the form's "credential" field (JSON, binary fields in base64url). If the
// browser refuses or the person cancels, "credential" stays empty and "failure" names why,
// so the server answers with a page that says so. Without this script the form arrives
// without an answer and the page explains that passkeys need JavaScript.
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function decode(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function encode(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function ids(list) {
    (list || []).forEach(function (c) { c.id = decode(c.id); });
  }

  function creation(options) {
    var pk = options.publicKey;
    pk.challenge = decode(pk.challenge);
    pk.user.id = decode(pk.user.id);
    ids(pk.excludeCredentials);
    return { publicKey: pk };
  }

  function request(options, conditional, signal) {
    var pk = options.publicKey;
    pk.challenge = decode(pk.challenge);
    ids(pk.allowCredentials);
    var out = { publicKey: pk };
    if (conditional) {
      out.mediation = "conditional";
      out.signal = signal;
    }
    return out;
  }

  function answer(credential) {
    var r = credential.response;
    var out = {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: encode(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = encode(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = encode(r.authenticatorData);
      out.response.signature = encode(r.signature);
      out.response.userHandle = r.userHandle ? encode(r.userHandle) : null;
    }
    return JSON.stringify(out);
  }

  function field(form, name) {
    return form.querySelector('input[name="' + name + '"]');
  }

  function send(form, credential, failure) {
    field(form, "credential").value = credential ? answer(credential) : "";
    field(form, "failure").value = failure || "";
    form.dataset.sent = "1";
    form.submit();
  }

  // The autofill request waiting on the sign-in page, withdrawn when the button is used.
  var waiting = null;

  function run(form, conditional) {
    if (waiting) {
      waiting.abort();
      waiting = null;
    }
    var options = JSON.parse(form.dataset.options);
    var signal;
    if (conditional && window.AbortController) {
      waiting = new AbortController();
      signal = waiting.signal;
    }
    var ceremony = form.dataset.passkey === "create"
      ? navigator.credentials.create(creation(options))
      : navigator.credentials.get(request(options, conditional, signal));
    return ceremony.then(function (credential) {
      send(form, credential, "");
    }, function (e) {
      // An autofill request that ends without a choice (withdrawn for the button, or
      // refused by the browser) leaves the page as it is: the button is still there.
      if (conditional) return;
      send(form, null, (e && e.name) || "Error");
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) return;
      event.preventDefault();
      run(form, false);
    });
    // The sign-in page offers passkeys in the email field's autofill too.
    if (form.dataset.conditional === "1" && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (available) run(form, true);
      });
    }
  });
})();
