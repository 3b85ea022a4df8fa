# Páginas que se leen al iniciar sesión y textos comunes a todas las páginas.

## Shared

language-label = Idioma
page-suffix = idp
date = { $day } { $month ->
    [1] ene
    [2] feb
    [3] mar
    [4] abr
    [5] may
    [6] jun
    [7] jul
    [8] ago
    [9] sept
    [10] oct
    [11] nov
   *[12] dic
} { $year }
datetime = { $day } { $month ->
    [1] ene
    [2] feb
    [3] mar
    [4] abr
    [5] may
    [6] jun
    [7] jul
    [8] ago
    [9] sept
    [10] oct
    [11] nov
   *[12] dic
} { $year }, { $time } { $zone }
start-again = Empezar de nuevo
back-to-sign-in = Volver a iniciar sesión
go-to-sign-in = Ir a la página de inicio de sesión
continue = Continuar
email-label = Correo electrónico
throttled-seconds = Demasiados intentos. Espera { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
} y vuelve a intentarlo.
throttled-minutes = Demasiados intentos. Espera { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
} y vuelve a intentarlo.
too-many-sign-ins = Hay demasiados inicios de sesión a la vez. Vuelve a intentarlo en un momento.
error-title-503 = No disponible temporalmente
error-message-503 = El servicio no puede responder en este momento. Vuelve a intentarlo en unos segundos.

## Sign-in

login-title = Iniciar sesión
login-continue-to = para continuar a { $app }
login-with-provider = Continuar con { $provider }
login-or-email = o con tu dirección de correo electrónico
login-password = Contraseña
login-submit = Iniciar sesión
login-forgot = ¿Olvidaste tu contraseña o tu cuenta está bloqueada?
login-upstream-only = Esta organización solo permite iniciar sesión con Google o Microsoft, y ninguno de los dos está disponible ahora mismo. Pide ayuda a tu administrador.
login-wrong = La dirección de correo electrónico o la contraseña no son correctas. Tras demasiados intentos, la cuenta se bloquea: elige una contraseña nueva más abajo para desbloquearla.
login-locked = Tu cuenta está bloqueada tras demasiadas contraseñas incorrectas. Para desbloquearla, elige una contraseña nueva con el enlace de abajo y te enviaremos un enlace por correo.
login-on-leave = Tu cuenta está en excedencia: el inicio de sesión queda en pausa hasta que vuelvas.
login-ip-refused = Tu organización no permite iniciar sesión desde esta red ({ $ip }). Conéctate desde una red permitida o pregunta a tu administrador.
journey-stopped-title = No se puede continuar con el inicio de sesión
journey-disabled = Esta cuenta se desactivó mientras iniciabas sesión. Pregunta a un administrador de tu organización.

## Second factor

second-factor-title = Segundo paso
second-factor-heading = Confirma que eres tú
codes-left = { $count ->
    [one] Queda { $count } código de recuperación
   *[other] Quedan { $count } códigos de recuperación
}
second-factor-codes-low = { $count ->
    [one] Te queda { $count } código de recuperación. Crea un juego nuevo en tu página de seguridad después de iniciar sesión.
   *[other] Te quedan { $count } códigos de recuperación. Crea un juego nuevo en tu página de seguridad después de iniciar sesión.
}
second-factor-recovery-label = Código de recuperación
second-factor-recovery-hint = Uno de los códigos que guardaste al configurar tu aplicación de autenticación. Cada uno sirve una sola vez.
second-factor-email-sent = Hemos enviado un código de 6 dígitos a tu correo electrónico. Es válido durante 10 minutos.
second-factor-email-label = Código del correo
second-factor-totp-label = Código de tu aplicación de autenticación
second-factor-other-ways = Otras formas
second-factor-use-totp = Usar tu aplicación de autenticación
second-factor-use-recovery = Usar un código de recuperación
second-factor-send-another = Enviar otro código
second-factor-email-me = Enviarme un código por correo
second-factor-wrong-code = Ese código no es correcto. Revísalo y vuelve a intentarlo.
second-factor-wrong-code-left = Ese código no es correcto. { $count ->
    [one] Te queda { $count } intento
   *[other] Te quedan { $count } intentos
} antes de que el inicio de sesión con segundo factor se bloquee durante 24 horas.
second-factor-locked = Demasiadas solicitudes. El inicio de sesión con segundo factor está bloqueado hasta el { $until }. Un administrador de tu organización puede levantarlo antes restableciendo tu segundo factor.
second-factor-not-set-up = Ese método no está configurado para esta cuenta.
second-factor-expired = La configuración ha caducado. Empieza de nuevo.
second-factor-too-many-emails = Se han enviado demasiados códigos. Espera un rato antes de pedir otro.
second-factor-wrong-password = La contraseña no es correcta.
second-factor-forbidden = No tienes permiso para hacer eso.

## Setting up an authenticator app

enrol-title = Configura tu aplicación de autenticación
enrol-required = Tu organización pide un segundo paso al iniciar sesión. Configura una aplicación de autenticación para continuar.
enrol-step-open = Abre una aplicación de autenticación, como Google Authenticator, Microsoft Authenticator, FreeOTP o Authy, y añade una cuenta.
enrol-step-scan = Escanea este código QR:
enrol-qr-label = Código QR para tu aplicación de autenticación
enrol-type-key = O escribe esta clave:
enrol-open-here = Abrir en una aplicación de autenticación de este dispositivo
enrol-step-code = Escribe el código de 6 dígitos que muestra la aplicación.
enrol-code-label = Código de 6 dígitos
enrol-submit = Activar
enrol-sign-in-title = Configura un segundo paso
enrol-required-choose = Tu organización pide un segundo paso al iniciar sesión. Configura una de estas opciones para continuar.
enrol-app-heading = Aplicación de autenticación
enrol-passkey-heading = Llave de acceso
enrol-passkey-hint = Usa el bloqueo de pantalla de tu dispositivo (PIN, huella o rostro) o una llave de seguridad.
enrol-email-heading = Códigos por correo
enrol-email-hint = Cada vez que inicies sesión, se enviará un código a { $email }.
enrol-email-submit = Enviarme códigos por correo
enrol-none-title = Hace falta un segundo paso
enrol-none = Tu organización pide un segundo paso al iniciar sesión, pero ninguna de las opciones que permite se puede configurar aquí. Pide a un administrador que configure una para ti.

## Recovery codes

recovery-codes-title = Tus códigos de recuperación
recovery-codes-heading = Guarda tus códigos de recuperación
recovery-codes-explain = Si pierdes el teléfono, cada uno de estos códigos te permite iniciar sesión una vez en lugar de usar un código de tu aplicación de autenticación. Es la única vez que se muestran.
recovery-codes-download = Descargar como archivo de texto
recovery-codes-saved = Ya los guardé, continuar
recovery-codes-file = Códigos de recuperación. Cada uno sirve una vez, en lugar de un código de tu aplicación de autenticación.

## Consent

consent-title = Permitir acceso
consent-heading = ¿Permitir que { $app } acceda a tu cuenta?
consent-asks = Has iniciado sesión como { $email }. { $app } solicita:
consent-allow = Permitir
consent-deny = Denegar
scope-openid = Saber quién eres (el identificador de tu cuenta)
scope-profile = Ver tu nombre, tu nombre de usuario y tu idioma
scope-email = Ver tu dirección de correo electrónico
scope-offline_access = Mantener la sesión iniciada en tu cuenta cuando no la estés usando

## Signing out

logout-title = Cerrar sesión
logout-heading = ¿Cerrar sesión?
logout-app-asks = { $app } solicita cerrar tu sesión en idp.
logout-this-browser = Cerrar sesión en idp en este navegador.
logout-submit = Cerrar sesión
logout-refused-title = No se aceptó la solicitud de cierre de sesión
logout-hint-not-ours = La aplicación envió una solicitud de cierre de sesión que este servidor no emitió (su id_token_hint). Vuelve a la aplicación y cierra la sesión allí de nuevo.
logout-client-mismatch = La solicitud de cierre de sesión nombra dos aplicaciones distintas (client_id e id_token_hint). Vuelve a la aplicación y cierra la sesión allí de nuevo.
logout-unregistered-redirect = La aplicación pidió volver a una dirección que no ha registrado (post_logout_redirect_uri), así que no se cerró la sesión. Avisa al responsable de la aplicación.
logout-done-title = Sesión cerrada
logout-done-message = Has cerrado sesión en idp en este navegador.

## Passwords

change-password-title = Elige una contraseña nueva
change-password-expired = Tu contraseña era temporal o ha caducado. Elige una nueva para continuar.
change-password-new = Contraseña nueva
change-password-again = Repite la contraseña
change-password-submit = Guardar la contraseña nueva
password-rules = { $classes ->
    [0] Al menos { $length } caracteres, que no sean tu nombre ni tu dirección y que no sea una contraseña común.
   *[other] Al menos { $length } caracteres, combinando { $classes } de estos tipos: minúsculas, mayúsculas, dígitos y otros caracteres; que no sean tu nombre ni tu dirección y que no sea una contraseña común.
}
password-too-short = Usa al menos { $count } caracteres.
password-too-long = Usa como máximo { $count } caracteres.
password-too-few-classes = Combina al menos { $count } de estos tipos: minúsculas, mayúsculas, dígitos y otros caracteres.
password-personal = No uses tu dirección de correo electrónico ni tu nombre en la contraseña.
password-common = Esa contraseña está entre las más comunes; elige otra.
password-reused = Elige una contraseña que no hayas usado recientemente.
password-mismatch = Las dos contraseñas no coinciden.
passwords-differ = Las dos contraseñas son distintas.
forgot-title = Contraseña olvidada
forgot-heading = ¿Olvidaste tu contraseña?
forgot-sent = Si alguna cuenta inicia sesión con esa dirección, le hemos enviado un enlace para elegir una contraseña nueva. Revisa tu correo.
forgot-submit = Enviarme un enlace
link-dead-title = Este enlace ya no funciona
link-dead-message = El enlace es desconocido, ya se usó o ha caducado. Pide uno nuevo desde la página de inicio de sesión (¿Olvidaste tu contraseña?).
password-saved-title = Tu contraseña nueva está guardada
password-saved-message = Se ha cerrado tu sesión en todas partes. Vuelve a iniciar sesión con la contraseña nueva.
recovery-link-title = Iniciar sesión con un enlace de recuperación
recovery-link-dead-title = Este enlace de inicio de sesión ya no funciona
account-disabled-title = Esta cuenta está desactivada
account-disabled-message = Esta cuenta está desactivada. Otro superadministrador puede volver a activarla.
recovery-link-explain = Este enlace se creó en el servidor para un administrador que no tiene otra forma de iniciar sesión. Funciona una sola vez.
recovery-link-submit = Iniciar sesión con este enlace
recovery-link-dead = Este enlace es desconocido, ya se usó o ha caducado: un enlace de recuperación inicia sesión una sola vez. Pide uno nuevo al operador del servidor ({ $command }) o inicia sesión de otra forma.

## Errors on the way

authorize-bad-link-title = Este enlace de inicio de sesión no funciona
authorize-client-gone = La aplicación que te envió aquí ya no está registrada.
signin-expired-title = Este inicio de sesión ha caducado
signin-expired-message = Vuelve a la aplicación y empieza de nuevo.

## Error pages and the start page

error-title-400 = No se pudo atender esta solicitud
error-title-401 = Inicia sesión primero
error-title-403 = No permitido
error-title-404 = Página no encontrada
error-title-409 = Este cambio choca con otro
error-title-410 = Este enlace ya no funciona
error-title-413 = Demasiado grande
error-title-429 = Demasiadas solicitudes
error-title-500 = Algo salió mal
error-message-400 = La página envió algo que no se pudo usar. Vuelve atrás e inténtalo de nuevo.
error-message-401 = Esta página es solo para personas que han iniciado sesión.
error-message-403 = Tu cuenta no tiene permiso para hacer esto. Si crees que debería tenerlo, consulta a tu administrador.
error-message-404 = No hay ninguna página en esta dirección. Revisa la dirección o vuelve a empezar desde la página de inicio.
error-message-409 = Otra persona cambió lo mismo al mismo tiempo. Recarga la página para ver la última versión e inténtalo de nuevo.
error-message-410 = Este enlace ya se usó, caducó o nunca fue válido. Pide uno nuevo.
error-message-413 = Lo que se envió es más grande de lo que esta página acepta.
error-message-429 = Demasiadas solicitudes. Espera un momento e inténtalo de nuevo.
error-message-500 = Algo falló por nuestra parte. Inténtalo de nuevo en un momento; si sigue ocurriendo, avisa a tu administrador.
error-operation = Referencia para tu administrador: { $operation }
error-go-back = Volver e intentarlo de nuevo
error-try-again = Intentarlo de nuevo
error-start-page = Ir a la página de inicio
error-sign-in = Iniciar sesión
form-expired = Este formulario caducó o no procede de este sitio. Vuelve atrás, recarga la página e inténtalo de nuevo.
export-link-gone = Este enlace de descarga es desconocido, ya se usó o caducó. Pide una nueva exportación en la consola.
export-sign-in-first = Inicia sesión como el administrador que pidió esta exportación y vuelve a abrir el enlace.
landing-title = Tu cuenta
landing-message = Inicia sesión para ver dónde tienes la sesión iniciada, tu configuración de seguridad y las aplicaciones que has autorizado.
landing-sign-in = Iniciar sesión
bootstrap-open-console = Iniciar sesión en la consola
password-saved-sign-in = Iniciar sesión
password-first-title = Elige tu contraseña
password-first-hint = Es la contraseña con la que iniciarás sesión, junto con tu dirección de correo.
password-first-saved-title = Tu contraseña está lista
password-first-saved-message = Inicia sesión con tu dirección de correo y la contraseña que acabas de elegir.

security-change-password = Cambiar la contraseña
security-done-password = Tu nueva contraseña está guardada. Sigues con la sesión iniciada aquí; se cerraron todas las demás sesiones.
password-current = Contraseña actual
password-first-label = Contraseña
password-first-submit = Guardar mi contraseña
password-back-to-security = Volver a la configuración de seguridad
password-wrong-current = La contraseña actual no es correcta.
password-too-many-tries = Demasiados intentos. Espera 15 minutos e inténtalo de nuevo.
password-email-sign-in-off = Esta cuenta no inicia sesión con contraseña, así que no hay ninguna que cambiar.

## Connecting a device

device-title = Conectar un dispositivo
device-explain = Introduce el código que muestra tu televisor, tu consola o tu herramienta de línea de comandos.
device-code-label = Código de tu dispositivo
device-code-hint = Ocho letras, como BCDF-GHJK. Da igual que uses mayúsculas o minúsculas, y el guion es opcional.
device-code-wrong = Ese código no es correcto o ha caducado. Comprueba el código que muestra tu dispositivo.
device-confirm-title = Conectar { $app }
device-confirm-heading = ¿Conectar { $app } a tu cuenta?
device-confirm-explain = Has iniciado sesión como { $email }. Permítelo solo si lo iniciaste tú en tu propio dispositivo y este muestra el código que introdujiste.
device-confirm-asks = { $app } solicita:
device-expired-title = Este código ha caducado
device-expired-message = Vuelve a empezar en tu dispositivo para obtener un código nuevo.
device-refused-title = No se puede conectar este dispositivo
device-connected-title = Dispositivo conectado
device-connected-message = Ya puedes volver a tu dispositivo: iniciará sesión en unos segundos.
device-denied-title = Solicitud denegada
device-denied-message = El dispositivo no se ha conectado. Puedes cerrar esta página.

## First run

bootstrap-title = Configurar idp
bootstrap-heading = Crear el superadministrador
bootstrap-explain = Todavía nadie puede administrar este idp. Esta página, que solo se usa una vez, crea la organización principal y su primer administrador.
bootstrap-org-name = Nombre de la organización
bootstrap-your-name = Tu nombre
bootstrap-password-again = Repite la contraseña
bootstrap-submit = Crear administrador
bootstrap-link-dead = El enlace de primera configuración es desconocido, ya se usó o ha caducado. Si todavía no hay ningún administrador, reinicia idp para que muestre uno nuevo.
bootstrap-done-title = Superadministrador creado
bootstrap-done-message = Ya puedes iniciar sesión con esta dirección de correo electrónico y esta contraseña.

## Account and security

signed-in-as = Has iniciado sesión como { $email }.
unknown-browser = Navegador desconocido
browser-on-system = { $browser } en { $system }
account-title = Tu cuenta
account-console = Consola de administración
account-security-link = Seguridad: segundo factor y códigos de recuperación
account-name = Nombre
account-job-title = Cargo
account-phone = Teléfono
account-sessions = Dónde tienes la sesión iniciada
account-device = Navegador y dispositivo
account-ip = Dirección IP
account-started = Inicio
account-last-active = Última actividad
account-this-browser = (este navegador)
account-sign-out = Cerrar sesión
account-methods = Métodos de inicio de sesión
method-native = Correo electrónico y contraseña
method-google = Cuenta de Google
method-entra = Cuenta de Microsoft
account-method = Método
account-last-sign-in = Último inicio de sesión
account-sign-ins = Inicios de sesión
account-last-ip = Última IP
account-consents = Aplicaciones que permitiste
account-application = Aplicación
account-allowed = Puede ver
account-since = Desde
account-withdraw = Retirar
account-actions = Acciones
account-sign-out-device = Cerrar sesión en { $device }
account-withdraw-from = Retirar lo que se permitió a { $app }
account-no-methods = Todavía no hay inicios de sesión registrados.
account-no-consents = Todavía no has permitido a ninguna aplicación ver tus datos.
security-unlink-provider = Desvincular tu cuenta de { $provider }
account-sign-out-all = Cerrar todas las sesiones en este navegador
account-preferences = Idioma y zona horaria
account-language = Idioma
account-language-browser = Según pida mi navegador
account-time-zone = Zona horaria
account-time-zone-hint = Un nombre como Europe/Madrid o America/Mexico_City. Déjalo vacío para usar la zona horaria de tu navegador.
account-save = Guardar
account-saved = Se han guardado tu idioma y tu zona horaria.
account-bad-zone = { $zone } no es un nombre de zona horaria como Europe/Madrid o America/Mexico_City.
security-title = Seguridad
security-never = nunca
security-locked = El inicio de sesión con segundo factor está bloqueado por demasiados códigos incorrectos hasta el { $until }. Un administrador puede desbloquearlo antes.
security-password-changed = Último cambio de contraseña
security-last-sign-in = Último inicio de sesión
security-when-from = { $when } desde { $ip }
security-last-reset = Último restablecimiento del segundo factor
security-linked = Cuentas vinculadas
security-linked-hint = Estas cuentas te permiten iniciar sesión; las protege su propio segundo factor.
security-account = Cuenta
security-linked-on = Vinculada
security-sign-ins = Inicios de sesión
security-unlink = Desvincular
security-methods = Métodos de segundo factor
security-method = Método
security-state = Estado
security-added = Añadido
security-last-used = Último uso
security-on = Activado
security-off = Desactivado
security-method-totp = Aplicación de autenticación
security-method-email = Códigos por correo
security-method-recovery = Códigos de recuperación
security-codes-left = { $count ->
    [one] Te queda { $count } código de recuperación.
   *[other] Te quedan { $count } códigos de recuperación.
}
security-new-codes = Crear códigos de recuperación nuevos
security-remove-totp = Quitar la aplicación de autenticación
security-your-password = Tu contraseña
security-remove-totp-submit = Quitar la aplicación de autenticación y sus códigos de recuperación
security-set-up-totp = Configurar una aplicación de autenticación
security-email-stop = Dejar de ofrecer códigos por correo
security-email-start = Ofrecer un código por correo al iniciar sesión
security-reset = Desactivar todos los segundos factores
security-reset-submit = Restablecer mi segundo factor
security-done-removed = Se han quitado la aplicación de autenticación y sus códigos de recuperación.
security-done-reset = Todos los métodos de segundo factor están desactivados.
security-done-email-on = Los códigos por correo están activados.
security-done-email-off = Los códigos por correo están desactivados.
security-done-unlinked = La cuenta se ha desvinculado: ya no te permite iniciar sesión aquí.

# --- Branding (organization logo and support contact in the page layout) ---
brand-logo-alt = Logotipo de { $org }
brand-support = ¿Necesita ayuda? Contacte con soporte:

## Sign-in with Google or Microsoft that did not work (routes/federated.rs)

federation-failed-title = No se pudo iniciar sesión con { $provider }
federation-unreachable = { $provider } no responde en este momento. Vuelve a intentarlo dentro de unos minutos o inicia sesión de otra forma.
federation-bad-answer = { $provider } respondió de una forma que no podemos usar. Vuelve a intentarlo más tarde o inicia sesión de otra forma.
federation-invalid-token = No se pudo verificar el inicio de sesión de { $provider }, así que se ha rechazado. Empieza de nuevo.
federation-consent-granted-title = Consentimiento concedido
federation-consent-granted = Microsoft Entra ID ha registrado el consentimiento de tu organización (inquilino { $tenant }). Sus miembros ya pueden iniciar sesión con Microsoft sin que se les pregunte uno por uno. Puedes cerrar esta página.
federation-consent-refused-title = No se concedió el consentimiento
federation-consent-refused = Microsoft Entra ID no registró el consentimiento ({ $error }). Vuelve a abrir el enlace y acéptalo habiendo iniciado sesión como administrador del inquilino de tu organización.
federation-invalid-state = Este inicio de sesión ha caducado, ya se usó o no empezó en este navegador. Vuelve a empezar desde la página de inicio de sesión.
federation-cancelled = Se canceló o rechazó el inicio de sesión con { $provider } (access_denied). Puedes volver a empezar.
federation-consent-required = { $provider } necesita tu aprobación antes de compartir quién eres ({ $code }). Vuelve a empezar y acepta, o pide a tu administrador que conceda el consentimiento para tu organización.
federation-upstream-error-described = { $provider } no ha iniciado tu sesión ({ $code }): { $description }
federation-upstream-error = { $provider } no ha iniciado tu sesión ({ $code }).
federation-no-code = La respuesta del proveedor no traía ningún código de autorización. Empieza de nuevo.
federation-provider-not-allowed = Tu organización no permite iniciar sesión con { $provider }.
federation-email-not-verified = { $provider } no ha verificado esta dirección de correo, así que no se puede usar para iniciar sesión aquí.
federation-domain-not-allowed = Tu organización no acepta cuentas de Google de { $domain }.
federation-tenant-not-allowed = Tu organización no acepta cuentas de Microsoft de este directorio (inquilino { $tenant }).
federation-no-account = Ninguna cuenta de aquí corresponde a este inicio de sesión con { $provider }, y las cuentas no se crean en el primer inicio de sesión. Pide a tu administrador que te añada.
federation-disabled = Esta cuenta está desactivada. Pregunta a tu administrador.

# Passkeys
passkey-error-disabled = Las llaves de acceso no están disponibles en este servidor.
passkey-error-expired = La solicitud de la llave de acceso caducó. Empieza de nuevo.
passkey-error-name = Da a la llave de acceso un nombre de 1 a 64 caracteres.
passkey-error-too-many = Ya tienes tantas llaves de acceso como se permiten. Quita una primero.
passkey-error-not-found = Esa llave de acceso no está en tu lista.
passkey-error-unknown = Esa llave de acceso no está registrada aquí.
passkey-error-excluded = Esa llave de acceso ya está registrada.
passkey-error-cross-origin = La llave de acceso respondió para otro sitio.
passkey-error-challenge = La respuesta de la llave de acceso no corresponde a esta solicitud. Empieza de nuevo.
passkey-error-signature = No se pudo verificar la respuesta de la llave de acceso.
passkey-error-user-not-verified = La llave de acceso no comprobó que eres tú (PIN, huella o rostro). Inténtalo de nuevo y confirma en tu dispositivo.
passkey-error-counter = Puede que esta llave de acceso se haya copiado: su contador retrocedió. Usa otro método y avisa a un administrador.
passkey-error-not-allowed = Tu organización no permite iniciar sesión solo con una llave de acceso. Inicia sesión con tu correo y contraseña.
security-passkeys = Llaves de acceso
security-passkeys-hint = Una llave de acceso te identifica con el bloqueo de pantalla de tu dispositivo (PIN, huella o rostro) en lugar de un código.
security-no-passkeys = Todavía no tienes llaves de acceso.
security-passkey-name = Nombre de la llave de acceso
security-add-passkey = Añadir una llave de acceso
security-remove-passkey = Quitar
security-remove-passkey-named = Quitar la llave de acceso { $name }
security-done-passkey-added = Se añadió la llave de acceso.
security-done-passkey-removed = Se quitó la llave de acceso.
passkey-needs-script = Las llaves de acceso necesitan JavaScript y un navegador compatible. Activa JavaScript o usa otro método.
passkey-cancelled = No se usó la llave de acceso: el navegador o el dispositivo se detuvo. Inténtalo de nuevo o usa otro método.
security-remove-passkey-password = Tu contraseña para quitar { $name }
second-factor-use-passkey = Usar una llave de acceso
login-with-passkey = Iniciar sesión con una llave de acceso
# Text-message codes and the allowed kinds of second factor
phone-no-country-code = Escribe el número con su prefijo de país, empezando por + (por ejemplo +34 612 34 56 78).
phone-not-a-number = Un número de teléfono solo lleva dígitos, espacios, guiones, puntos y paréntesis.
phone-wrong-length = Ese número es demasiado corto o demasiado largo para ser un teléfono.
second-factor-too-many-texts = Se han enviado demasiados mensajes de texto. Espera un rato antes de pedir otro.
second-factor-text-not-sent = No se pudo enviar el mensaje de texto. Inténtalo más tarde o recibe un código por correo.
second-factor-not-allowed = Tu organización no permite ese tipo de segundo factor.
second-factor-phone-in-use = Ya hay un número de teléfono configurado. Quítalo antes de añadir otro.
second-factor-sms-sent = Hemos enviado un código por mensaje de texto al { $number }. Sirve durante 10 minutos.
second-factor-sms-label = Código del mensaje de texto
second-factor-sms-send = Enviar un código por mensaje de texto
second-factor-sms-send-another = Enviar otro mensaje de texto
security-method-sms = Códigos por mensaje de texto
security-done-phone-sent = Hemos enviado un código a tu teléfono. Escríbelo abajo para confirmar el número.
security-done-phone-verified = Tu número de teléfono está confirmado. Ya puedes recibir códigos de inicio de sesión por mensaje de texto.
security-done-phone-removed = Se ha quitado tu número de teléfono.
security-phone-verified = Los códigos van al { $number }.
security-phone-waiting = El { $number } espera confirmación con el código que le enviamos.
security-phone-code = Código del mensaje de texto
security-phone-verify = Confirmar el número
security-phone-resend = Enviar el código de nuevo
security-phone-remove = Quitar el número de teléfono
security-phone-hint = Los mensajes de texto son un segundo factor más débil que una app de autenticación: un número puede ser suplantado. Úsalos cuando no te sirva otra cosa.
security-phone-label = Número de móvil, con prefijo de país
security-phone-add = Enviar un código a este número
passkey-error-not-offered = Tu organización no usa llaves de acceso. Usa otro método.

journey-passkey-required = Los administradores de tu organización deben usar una llave de acceso como segundo factor, y no tienes ninguna. Pide a otro administrador que desactive esa regla un momento (o que te quite el rol de administrador) y añade después una llave de acceso en tu página de seguridad.
passkey-error-model = Tu organización no acepta llaves de acceso de este tipo de autenticador. Usa otro.
