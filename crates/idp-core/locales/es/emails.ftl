# Correos. Cada cuerpo se arma con párrafos completos; los enlaces van en su propia línea.

duration-days = { $count ->
    [one] { $count } día
   *[other] { $count } días
}
duration-hours = { $count ->
    [one] { $count } hora
   *[other] { $count } horas
}
duration-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
email-code-subject = Tu código de inicio de sesión de { $issuer }
email-code-code = Tu código de inicio de sesión es { $code }.
email-code-warning = Sirve una sola vez durante los próximos 10 minutos. Si no intentaste iniciar sesión, cambia tu contraseña: alguien la conoce.
email-reset-subject = Elige una contraseña nueva
email-reset-intro = Alguien pidió elegir una contraseña nueva para { $email }.
email-reset-open = Abre este enlace en un plazo de { $duration } para elegirla (funciona una sola vez):
email-reset-ignore = Si no fuiste tú, ignora este mensaje: tu contraseña no cambia.
email-welcome-subject = Crea tu contraseña
email-welcome-intro = Ya puedes iniciar sesión con tu dirección de correo electrónico, { $email }.
email-welcome-open = Abre este enlace en un plazo de { $duration } para crear tu contraseña (funciona una sola vez):
email-temporary-subject = Tu contraseña temporal
email-temporary-intro = Un administrador ha fijado una contraseña temporal para { $email }:
email-temporary-once = Funciona una sola vez: elegirás una contraseña nueva justo después de iniciar sesión.
email-export-ready-subject = La exportación del registro de auditoría está lista
email-export-ready-intro = La exportación del registro de auditoría de { $org } que pediste está lista.
email-export-ready-open = Descárgala en un plazo de { $duration } (el enlace funciona una sola vez):
email-export-failed-subject = No se pudo hacer la exportación del registro de auditoría
email-export-failed = No se pudo hacer la exportación del registro de auditoría de { $org } que pediste: { $why }

# --- Branding (organization display name) ---
email-sent-by = Enviado por { $org }.

# Text-message codes and the allowed kinds of second factor
sms-code-body = { $code } es tu código de { $issuer }. Sirve 10 minutos. No lo compartas nunca.
