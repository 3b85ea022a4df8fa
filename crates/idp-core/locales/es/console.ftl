# The administrator console.

## Layout and what every page shares

console-page-title = { $title } · consola de idp
console-brand = consola de idp
console-skip = Saltar al contenido
console-nav-label = Consola
console-nav-orgs = Organizaciones
console-nav-clients = Aplicaciones
console-nav-keys = Claves de firma
console-your-account = Tu cuenta
console-sign-out = Cerrar sesión
console-breadcrumb = Ruta de navegación
console-org-tabs = Organización
console-tab-overview = Resumen
console-tab-members = Miembros
console-tab-authentication = Autenticación
console-tab-security = Seguridad
console-tab-login-settings = Ajustes de inicio de sesión
console-tab-federation = Federación
console-tab-administrators = Administradores
console-tab-audit = Registro de auditoría
console-search = Buscar
console-show-all = Mostrar todo
console-none = Ninguno.
console-col-org = Organización
console-col-members = Miembros
console-col-sub-orgs = Suborganizaciones
console-col-actions = Acciones
console-apply-filters = Aplicar filtros
console-clear-filters = Quitar filtros
console-first-page = Primera página
console-next-page = Página siguiente
console-on = Activado
console-off = Desactivado
console-default = Predeterminado
console-as-parent = Según decida la organización superior
console-revert = Volver al valor heredado
console-back-to-members = Volver a los miembros
console-back-to-clients = Volver a las aplicaciones

## Refusals and other messages

console-no-role-title = No administras nada
console-no-role-message = Esta consola es para administradores. Tu cuenta no tiene ningún rol de administrador.
console-back-to-account = Volver a tu cuenta
console-stale-title = Este formulario ha caducado
console-stale-message = El formulario estuvo abierto demasiado tiempo o no procedía de este sitio, así que no se ha cambiado nada. Vuelve atrás, recarga la página e inténtalo de nuevo.
console-back-to-page = Volver a la página
console-refused-forbidden = No permitido
console-refused-not-found = No encontrado
console-refused-unchanged = No se ha cambiado nada
console-go-back = Volver
console-unknown-action-title = Acción desconocida
console-unknown-action-message = Esa acción no existe. No se ha cambiado nada.
console-back-to-org = Volver a la organización
console-back-to-member = Volver al miembro

## Organizations

console-orgs-title = Organizaciones
console-orgs-find = Buscar organizaciones
console-orgs-search-label = Buscar por nombre o identificador
console-orgs-none = Ninguna organización coincide.
console-orgs-tree = Árbol de organizaciones
console-orgs-members-of = Miembros de { $org }
console-org-slug = Identificador
console-org-kind = Tipo
console-org-kind-root = Organización principal
console-org-kind-sub = Suborganización
console-org-direct-members = Miembros directos
console-org-child-counts = { $members ->
    [one] 1 miembro
   *[other] { $members } miembros
}, { $subs ->
    [one] 1 suborganización
   *[other] { $subs } suborganizaciones
}
console-org-create-heading = Crear una suborganización
console-org-child-name = Nombre de la suborganización
console-org-child-slug = Identificador (opcional)
console-org-slug-hint = Letras minúsculas, dígitos y guiones; si lo dejas vacío, se genera a partir del nombre.
console-org-create = Crear suborganización
console-org-rename = Cambiar nombre
console-org-name = Nombre de la organización
console-org-move = Mover
console-org-new-parent = Nueva organización superior
console-org-delete-heading = Eliminar
console-org-empty = Esta organización no tiene miembros ni suborganizaciones.
console-org-delete = Eliminar esta organización
console-org-renamed = Nombre cambiado a { $name }.
console-org-created = Se ha creado { $name }.
console-org-moved = Se ha movido.
console-org-deleted = Organización eliminada.

## Members

console-status-active = Activo
console-status-on-leave = De baja temporal
console-status-disabled = Desactivado
console-badge-locked = Bloqueado
console-badge-temporary-password = Contraseña temporal
console-badge-second-factor-locked = Segundo factor bloqueado
console-second-factor-app = App de autenticación
console-second-factor-email = Código por correo
console-second-factor-none = Ninguno
console-method-password = Contraseña
console-never = Nunca
console-new-member = Nuevo miembro
console-import-members = Importar miembros
console-export-excel = Exportar a Excel
console-export-csv = Exportar a CSV
console-members-find = Buscar miembros
console-members-search-label = Buscar por nombre, correo o id
console-col-status = Estado
console-any-status = Cualquier estado
console-col-email-login = Inicio de sesión por correo
console-on-or-off = Activado o desactivado
console-col-second-factor = Segundo factor
console-any = Cualquiera
console-sign-in-method = Método de inicio de sesión
console-last-sign-in-from = Último inicio de sesión desde
console-last-sign-in-until = Último inicio de sesión hasta
console-order = Orden
console-order-email = Por correo
console-order-newest = Más recientes primero
console-per-page = Por página
console-include-sub-orgs = Incluir suborganizaciones
console-only-never-signed-in = Solo miembros que nunca han iniciado sesión
console-members-more-than = Más de { $count } miembros
console-members-count = { $count ->
    [one] 1 miembro
   *[other] { $count } miembros
}
console-select-page = Seleccionar todos los miembros de esta página
console-col-name = Nombre
console-col-email = Correo
console-col-methods = Métodos de inicio de sesión
console-col-last-sign-in = Último inicio de sesión
console-select-member = Seleccionar a { $email }
console-no-name = (sin nombre)
console-members-none = Ningún miembro coincide con estos filtros.
console-act-legend = Actuar sobre los miembros
console-scope-selected = Los miembros seleccionados arriba
console-scope-all-more = Todos los miembros que coinciden (más de { $count })
console-scope-all = { $count ->
    [one] El único miembro que coincide
   *[other] Los { $count } miembros que coinciden
}
console-action = Acción
console-act-group-email = Acciones de inicio de sesión por correo
console-act-enable-email-login = Activar el inicio de sesión por correo
console-act-disable-email-login = Desactivar el inicio de sesión por correo
console-act-resend-reset = Reenviar el correo para restablecer la contraseña
console-act-set-active = Cambiar estado: activo
console-act-set-on-leave = Cambiar estado: de baja temporal
console-act-set-disabled = Cambiar estado: desactivado
console-act-reset-second-factor = Restablecer el segundo factor
console-act-temporary-passwords = Emitir contraseñas temporales
console-act-temporary-passwords-shown = Emitir contraseñas temporales (se muestran una vez)
console-act-temporary-passwords-email = Emitir contraseñas temporales por correo
console-act-move = Mover a otra organización
console-move-to = Mover a la organización
console-move-choose = (elige al mover)
console-move-hint = Solo lo usa la acción «Mover a otra organización».
console-apply-to-members = Aplicar a los miembros
console-choose-action-title = Elige una acción
console-choose-action-message = Elige qué hacer con los miembros y luego aplícalo.
console-none-selected-title = Ningún miembro seleccionado
console-none-selected-message = Selecciona al menos un miembro, o elige todos los miembros que coinciden, y vuelve a aplicar la acción. No se ha cambiado nada.
console-temporary-password-issued-once = Contraseña temporal emitida; solo sirve una vez.
console-results-heading = { $action }: resultados
console-results-summary = { $done } hechos, { $skipped } omitidos.
console-results-passwords = Las contraseñas temporales solo se muestran en esta página. Entrega ahora cada una a su miembro.
console-results = Resultados
console-col-member = Miembro
console-col-result = Resultado
console-col-details = Detalles
console-result-done = Hecho
console-result-skipped = Omitido
console-email-address = Dirección de correo
console-new-member-email-login = Activar el inicio de sesión con correo y contraseña
console-new-member-hint = El miembro recibe un correo de bienvenida con un enlace para crear una contraseña.
console-add-member = Añadir miembro
console-cancel = Cancelar

## A member's page

console-sign-ins = Inicios de sesión
console-last-ip = Última dirección IP
console-position = Cargo
console-phone = Teléfono
console-email-and-password = Correo y contraseña
console-never-used = nunca
console-app-added = Añadida el { $added }; último uso: { $used }
console-not-set-up = Sin configurar
console-emailed-codes = Códigos por correo
console-emailed-codes-on = Activados desde el { $since }; último uso: { $used }
console-recovery-codes-left = Códigos de recuperación restantes
console-lock = Bloqueo
console-not-locked = No bloqueado
console-locked-until = Bloqueado hasta el { $until }
console-locked-since = Bloqueado desde el { $since }
console-never-expires = No caduca nunca
console-password-temporary = Temporal: debe cambiarse en el próximo inicio de sesión
console-password-set = Establecida
console-password-not-set = Sin establecer
console-last-changed = Último cambio
console-expires = Caduca
console-failed-sign-ins = Inicios de sesión fallidos
console-everything = Todo
console-super-administrator = Superadministrador
console-member-unlocked = Se ha levantado el bloqueo de la contraseña.
console-member-was-not-locked = La contraseña no estaba bloqueada.
console-member-session-ended = Sesión cerrada.
console-member-sessions-ended = Se han cerrado todas las sesiones.
console-member-consent-withdrawn = Consentimiento retirado.
console-member-profile-saved = Perfil guardado.
console-member-unlinked = Cuenta vinculada eliminada.
console-temporary-password-issued = Contraseña temporal emitida. Solo se muestra ahora y sirve una sola vez.
console-nothing-to-do = No hay nada que hacer.
console-temporary-password = Contraseña temporal:
console-member-since = Miembro desde
console-member-id = Id del miembro
console-profile = Perfil
console-save-profile = Guardar perfil
console-set-status = Cambiar estado
console-never-signed-in = Este miembro nunca ha iniciado sesión.
console-unlink = Desvincular la cuenta de { $provider }
console-send-reset = Enviar correo para restablecer la contraseña
console-issue-temporary-password = Emitir una contraseña temporal
console-email-temporary-password = Enviar una contraseña temporal por correo
console-unlock = Desbloquear el inicio de sesión con contraseña
console-sessions = Sesiones
console-no-session = No hay ninguna sesión activa.
console-col-device = Navegador y dispositivo
console-col-ip = Dirección IP
console-col-started = Inicio
console-col-last-active = Última actividad
console-end-session-label = Cerrar la sesión iniciada el { $started }
console-end = Cerrar
console-end-all-sessions = Cerrar todas las sesiones
console-consents = Aplicaciones autorizadas
console-col-application = Aplicación
console-col-allowed = Puede ver
console-col-since = Desde
console-withdraw-label = Retirar el consentimiento a { $app }
console-withdraw = Retirar
console-admin-roles = Roles de administrador
console-recent-events = Eventos de auditoría recientes
console-col-when = Cuándo
console-col-activity = Actividad
console-col-event = Evento
console-col-by = Por
console-col-detail = Detalle
console-all-member-events = Todos los eventos de auditoría de este miembro

## Settings pages: where a value comes from, confirmations

console-source-here = Definido aquí
console-source-inherited = Heredado de { $org }
console-source-inherited-parent = Heredado de una organización superior
console-confirm-passwords = { $count ->
    [one] Esto borra todas las contraseñas guardadas y los segundos factores de 1 miembro; escribe 1 (o el nombre de la organización) en la casilla de confirmación para continuar.
   *[other] Esto borra todas las contraseñas guardadas y los segundos factores de { $count } miembros; escribe { $count } (o el nombre de la organización) en la casilla de confirmación para continuar.
}
console-confirm-second-factors = { $count ->
    [one] Esto borra todos los segundos factores registrados de 1 miembro; escribe 1 (o el nombre de la organización) en la casilla de confirmación para continuar.
   *[other] Esto borra todos los segundos factores registrados de { $count } miembros; escribe { $count } (o el nombre de la organización) en la casilla de confirmación para continuar.
}

## Login settings

console-login-settings-of = Ajustes de inicio de sesión de { $org }
console-setting-password-min-length = Longitud mínima de la contraseña
console-setting-character-classes = Tipos de caracteres obligatorios
console-setting-password-expiry = Caducidad de la contraseña
console-setting-password-history = Contraseñas anteriores que no se pueden reutilizar
console-setting-lockout = Bloquear la cuenta tras
console-setting-idle-timeout = Cerrar sesión tras una inactividad de
console-setting-session-lifetime = Duración de la sesión
console-setting-no-idle-limit = sin límite de inactividad
console-setting-no-limit = sin límite
console-setting-none-required = ninguno obligatorio
console-setting-any-reused = se puede reutilizar cualquiera
console-setting-never-locks = nunca se bloquea
console-amount-characters = { $count ->
    [one] 1 carácter
   *[other] { $count } caracteres
}
console-amount-classes = { $count ->
    [one] 1 tipo de carácter
   *[other] { $count } tipos de caracteres
}
console-amount-passwords = { $count ->
    [one] 1 contraseña
   *[other] { $count } contraseñas
}
console-amount-failures = { $count ->
    [one] 1 intento fallido
   *[other] { $count } intentos fallidos
}
console-amount-minutes = { $count ->
    [one] 1 minuto
   *[other] { $count } minutos
}
console-amount-hours = { $count ->
    [one] 1 hora
   *[other] { $count } horas
}
console-amount-days = { $count ->
    [one] 1 día
   *[other] { $count } días
}
console-unit-characters = caracteres
console-unit-classes = tipos de caracteres
console-unit-passwords = contraseñas
console-unit-failures = intentos fallidos
console-unit-minutes = minutos
console-unit-hours = horas
console-unit-days = días
console-leave-may-now = pueden iniciar sesión
console-leave-may-not-now = no pueden iniciar sesión
console-language-english-default = Inglés, salvo que el lector pida otro idioma
console-nothing-to-change = No hay nada que cambiar.
console-login-settings-saved = Ajustes de inicio de sesión guardados.
console-setting-reverted = El ajuste ha vuelto al valor heredado.
console-durations-hint = Las duraciones se pueden escribir con una unidad en inglés, como 2 weeks, 8 hours o 30 minutes. Deja una casilla vacía para usar el valor heredado.
console-col-setting = Ajuste
console-col-value = Valor
console-col-applies-now = Se aplica ahora
console-col-source = De dónde viene
console-revert-label = Volver al valor heredado: { $setting }
console-leave-label = Miembros de baja temporal
console-leave-may = Pueden iniciar sesión
console-leave-may-not = No pueden iniciar sesión
console-leave-revert-label = Volver al valor heredado: miembros de baja temporal
console-language-label = Idioma de las páginas y los correos
console-language-default = Predeterminado (inglés)
console-language-hint = para lectores cuyo navegador no pide ningún idioma que idp ofrezca
console-language-revert-label = Volver al valor heredado: idioma de las páginas y los correos
console-save-login-settings = Guardar ajustes de inicio de sesión

## Security

console-security-of = Seguridad de { $org }
console-two-factor-off = No usar
console-two-factor-everybody = Todos
console-two-factor-admins = Solo administradores
console-list-inherited = Esta organización no tiene una lista propia; se aplica la heredada de { $org }.
console-list-inherited-parent = Esta organización no tiene una lista propia; se aplica la heredada de una organización superior.
console-unknown-address = desconocida
console-current-address-note = IP de acceso actual
console-address-added = Se ha añadido tu dirección { $ip } a la lista de abajo. Guarda la lista para aplicarla.
console-two-factor-saved = Alcance de la verificación en dos pasos guardado.
console-two-factor-saved-cleared = { $count ->
    [one] Alcance de la verificación en dos pasos guardado. Se han borrado los segundos factores de 1 miembro.
   *[other] Alcance de la verificación en dos pasos guardado. Se han borrado los segundos factores de { $count } miembros.
}
console-exempt-saved = { $count ->
    [one] IP exentas del segundo factor guardadas: 1 entrada.
   *[other] IP exentas del segundo factor guardadas: { $count } entradas.
}
console-allow-saved = { $count ->
    [one] IP de acceso permitidas guardadas: 1 entrada.
   *[other] IP de acceso permitidas guardadas: { $count } entradas.
}
console-allow-off = Se ha desactivado la lista de IP de acceso permitidas.
console-your-address = Tu dirección de acceso actual:
console-two-factor-heading = Verificación en dos pasos
console-now = Ahora:
console-two-factor-who = Quién debe demostrar un segundo factor
console-two-factor-off-warning = { $count ->
    [one] Desactivar la verificación en dos pasos borra todos los segundos factores (apps de autenticación, códigos por correo, códigos de recuperación) del miembro que configuró uno aquí o más abajo.
   *[other] Desactivar la verificación en dos pasos borra todos los segundos factores (apps de autenticación, códigos por correo, códigos de recuperación) de los { $count } miembros que configuraron uno aquí o más abajo.
}
console-two-factor-confirm = Al desactivarla, escribe { $count } o el nombre de la organización para confirmar
console-two-factor-save = Guardar alcance de la verificación en dos pasos
console-allow-heading = IP de acceso permitidas
console-allow-legend = Permitir iniciar sesión solo desde estas direcciones
console-allow-on = Lista de permitidas activada
console-allow-off-choice = Lista de permitidas desactivada
console-allow-entries = Direcciones o rangos CIDR, uno por línea, cada uno seguido de una nota (hasta 100)
console-for-example = Por ejemplo:
console-allow-example = 203.0.113.0/24 Oficina central
console-add-current = + Añadir la IP de acceso actual
console-allow-super-admin = Aplicar también al superadministrador
console-allow-clients-legend = Inicios de sesión que limita la lista
console-allow-all-clients = Todas las aplicaciones
console-allow-chosen-clients = Solo las aplicaciones elegidas abajo
console-allow-no-clients = No hay ninguna aplicación registrada en esta organización ni por encima de ella.
console-allow-lockout-confirm = Entiendo que mi propia dirección no está en la lista: guardarla de todos modos
console-allow-save = Guardar IP de acceso permitidas
console-exempt-heading = IP exentas del segundo factor
console-exempt-legend = No pedir un segundo factor desde estas direcciones
console-exempt-on = Exenciones activadas
console-exempt-off = Exenciones desactivadas
console-exempt-entries = Direcciones o rangos CIDR exentos, uno por línea, cada uno seguido de una nota (hasta 100)
console-exempt-add-current-label = + Añadir la IP de acceso actual a la lista de exentas
console-exempt-save = Guardar IP exentas del segundo factor

## Authentication

console-authentication-of = Autenticación de { $org }
console-auth-unknown-action = Elige si activar o desactivar la autenticación con correo y contraseña. No se ha cambiado nada.
console-back-to-authentication = Volver a la autenticación
console-auth-enabled = { $count ->
    [one] La autenticación con correo y contraseña está activada. Se ha enviado a 1 miembro un enlace para establecer su contraseña.
   *[other] La autenticación con correo y contraseña está activada. Se ha enviado a { $count } miembros un enlace para establecer su contraseña.
}
console-auth-disabled = { $count ->
    [one] La autenticación con correo y contraseña está desactivada. Se han borrado las contraseñas y los segundos factores guardados de 1 miembro.
   *[other] La autenticación con correo y contraseña está desactivada. Se han borrado las contraseñas y los segundos factores guardados de { $count } miembros.
}
console-auth-heading = Autenticación con correo y contraseña
console-auth-is-on = La autenticación con correo y contraseña está activada
console-auth-is-off = La autenticación con correo y contraseña está desactivada
console-change-it-there = Cambiarlo allí
console-auth-root-only = Solo la organización principal activa o desactiva la autenticación con correo y contraseña, para todas las organizaciones que dependen de ella.
console-auth-members-link = Miembros con el inicio de sesión por correo activado
console-auth-impact = Qué ocurre al desactivarla
console-auth-impact-passwords = { $count ->
    [one] 1 miembro pierde su contraseña guardada y, con ella, cualquier segundo factor.
   *[other] { $count } miembros pierden su contraseña guardada y, con ella, cualquier segundo factor.
}
console-auth-impact-second-factors = { $count ->
    [one] 1 miembro pierde una app de autenticación, los códigos por correo o los códigos de recuperación.
   *[other] { $count } miembros pierden una app de autenticación, los códigos por correo o los códigos de recuperación.
}
console-auth-impact-links = { $count ->
    [one] 1 miembro tiene un enlace sin usar para establecer su contraseña; esos enlaces dejan de funcionar.
   *[other] { $count } miembros tienen un enlace sin usar para establecer su contraseña; esos enlaces dejan de funcionar.
}
console-auth-impact-upstream = A partir de entonces, los miembros solo inician sesión con Google o Microsoft.
console-auth-confirm = Para confirmar, escribe { $count } o el nombre de la organización ({ $org })
console-auth-disable = Desactivar la autenticación con correo y contraseña
console-auth-enable-hint = Al activarla, todos los miembros reciben un enlace para establecer su contraseña.
console-auth-enable = Activar la autenticación con correo y contraseña

## Federation

console-federation-of = Federación de { $org }
console-fed-google = Iniciar sesión con Google
console-fed-entra = Iniciar sesión con Microsoft
console-fed-jit = Crear el miembro en su primer inicio de sesión (aprovisionamiento justo a tiempo)
console-fed-domains = Dominios de Google Workspace permitidos, uno por línea
console-fed-domains-hint = En la organización principal, si se deja vacío se acepta cualquier dirección de Google verificada.
console-fed-tenants = Ids de inquilino de Entra permitidos, uno por línea
console-fed-tenants-hint = Los ids de inquilino son GUID y aparecen en la información general del centro de administración de Entra.
console-fed-tenant = Inquilino { $tenant }
console-fed-any-tenant = El inquilino de cualquier organización (el del propio administrador)
console-federation-saved = Ajustes de federación guardados.
console-now-on = Ahora activado
console-now-off = Ahora desactivado
console-fed-follow-parent = Déjalo vacío para seguir a la organización superior.
console-federation-save = Guardar ajustes de federación
console-fed-consent-heading = Consentimiento del administrador de Microsoft Entra ID
console-fed-consent-intro = Envía uno de estos enlaces al administrador de Entra del cliente: al abrirlo concede el consentimiento a este proveedor de identidad para toda su organización, de modo que no se pregunta a los miembros uno por uno.
console-fed-consent-link = Enlace de consentimiento del administrador: { $tenant }
console-fed-entra-missing = El inicio de sesión con Microsoft no está configurado en este servidor (federation.entra), así que todavía no hay enlace de consentimiento.

## Signing keys

console-key-current = Actual (firma ahora)
console-key-next = Siguiente (publicada; firma tras la próxima rotación)
console-key-retired = Retirada (verifica lo que firmó)
console-keys-super-only = Solo el superadministrador gestiona las claves de firma.
console-back-to-orgs = Volver a las organizaciones
console-keys-not-rotated = No se ha rotado nada
console-keys-choose-alg = Elige uno de los algoritmos de la lista, o todos.
console-back-to-keys = Volver a las claves de firma
console-key-promoted = { $alg } firma ahora con { $kid }
console-keys-rotated = Rotación hecha: { $list }.
console-keys-hint = Una clave siguiente se publica antes de firmar, así que las aplicaciones que confían en ella ya la tienen cuando pasa a ser la actual; una clave retirada sigue publicada hasta que caducan todos los tokens que firmó.
console-keys-published = Claves publicadas
console-col-alg = Algoritmo
console-col-kid = Id de la clave
console-col-state = Estado
console-col-created = Creada
console-col-signing-since = Firma desde
console-col-retired = Retirada
console-col-leaves = Sale del conjunto de claves
console-rotate = Rotar
console-rotate-explain = Rotar convierte cada clave siguiente en la actual, retira la actual y publica una nueva clave siguiente. Los demás servidores lo aplican en { $seconds } segundos como máximo.
console-all-algs = Todos los algoritmos

## Registration tokens

console-tokens-title = Tokens de registro
console-token-never-expires = nunca (hasta que se revoque)
console-token-revoked = Token { $id } revocado.
console-token-bad-lifetime = Escribe la duración como un número de segundos, o con m, h o d (90m, 7d), hasta 366 días; déjala vacía para un token que dure hasta que se revoque.
console-tokens-intro = Un token de registro permite a la herramienta de un desarrollador registrar aplicaciones en una organización en /register (registro dinámico de clientes).
console-tokens-off = El registro dinámico está desactivado en este servidor: los tokens funcionan cuando un operador establece [registration] enabled = true.
console-token-shown = Token de registro, que solo se muestra ahora: entrégaselo al desarrollador.
console-token = Token de registro
console-token-lifetime = Duración (como 7d o 12h; vacía: hasta que se revoque)
console-token-issue = Emitir un token
console-tokens-none = Todavía no se ha emitido ningún token de registro.
console-col-token-id = Id del token
console-col-issued = Emitido
console-token-usable = Utilizable
console-token-unusable = Caducado o revocado
console-revoke = Revocar

## Administrators

console-area-allowed-ips = IP permitidas
console-administrators-of = Administradores de { $org }
console-admins-choose-area = Elige al menos un área.
console-admins-gone = Ese administrador ya no existe.
console-admins-granted = Concedido a { $email }: { $areas }.
console-admins-revoked = Revocado a { $email }: { $areas }.
console-admins-not-held = No tienes { $area } sobre esta organización, así que no puedes concederla ni revocarla.
console-admins-not-an-address = «{ $email }» no es una dirección de correo.
console-admins-no-member = No hay ningún miembro con la dirección { $email } en este árbol de organizaciones; añádelo antes como miembro.
console-admins-super-hint = Un superadministrador puede hacerlo todo en todas partes, aparezca aquí o no.
console-admins-none = Todavía nadie administra esta organización.
console-col-administrator = Administrador
console-col-areas = Áreas
console-col-over = Sobre
console-admins-here = Aquí
console-admins-from = a { $email }
console-admins-revoke-label = Revocar las áreas elegidas a { $email }
console-admins-change-on = Cámbialo en { $org }
console-admins-grant-heading = Conceder áreas
console-admins-member-email = Correo del miembro
console-admins-areas-legend = Áreas sobre esta organización y sus suborganizaciones
console-admins-grant = Conceder

## Audit log

console-audit-of = Registro de auditoría de { $org }
console-audit-not-a-member = «{ $member }» no es una dirección de correo ni un id de miembro.
console-audit-no-member = No hay ningún miembro con la dirección { $email } en esta organización ni por debajo.
console-audit-not-under = «{ $within }» no es una organización que dependa de { $org }.
console-audit-bad-cursor = La posición de página de la dirección no la ha generado esta consola; empieza desde la primera página.
console-audit-not-downloaded = No se ha descargado nada
console-back-to-audit = Volver al registro de auditoría
console-audit-choose-format = Elige un formato de archivo
console-audit-choose-format-message = Elige CSV o Excel y vuelve a pedir la descarga. No se ha iniciado nada.
console-audit-not-started = No se ha iniciado nada
console-audit-export-started = Se está preparando la exportación. Se enviará por correo a { $email } un enlace de descarga de un solo uso.
console-activity-sign-in = Inicio de sesión
console-activity-personal-info-access = Acceso a datos personales
console-activity-permission-change = Cambio de permisos
console-activity-security-settings-change = Cambio de ajustes de seguridad
console-activity-second-factor-reset = Restablecimiento del segundo factor
console-activity-temporary-password = Contraseña temporal
console-activity-password-reset = Restablecimiento de contraseña
console-activity-account-lock = Bloqueo de cuenta
console-activity-consent = Consentimiento
console-activity-token-revocation = Revocación de tokens
console-activity-client-change = Cambio de aplicación
console-activity-organization-change = Cambio de organización
console-activity-member-change = Cambio de miembro
console-activity-audit-access = Acceso a la auditoría
console-activity-retention = Conservación
console-event-view = Ver
console-event-create = Crear
console-event-edit = Editar
console-event-delete = Eliminar
console-event-download = Descargar
console-info-authentication-token = Token de autenticación
console-info-personal = Datos personales
console-info-hr = Recursos humanos
console-info-contact = Contacto
console-info-security-settings = Ajustes de seguridad
console-info-permission = Permisos
console-info-other = Otra
console-actor-member = Miembro
console-actor-system = Sistema
console-audit-retention = Los eventos se conservan { $days } días (el periodo de conservación de esta organización) y después se borran. Consultar este registro también queda registrado.
console-audit-filter = Filtrar eventos de auditoría
console-audit-and-below = { $org } y todo lo que depende de ella
console-audit-activity-type = Tipo de actividad
console-audit-any-activity = Cualquier actividad
console-audit-member = Miembro (id o correo)
console-audit-any-event = Cualquier evento
console-audit-info-type = Tipo de información
console-audit-any-info = Cualquier información
console-audit-from = Desde
console-audit-until = Hasta (incluido)
console-audit-events = Eventos, los más recientes primero
console-audit-none = Ningún evento coincide con estos filtros.
console-col-information = Información
console-col-concerned = Miembro afectado
console-audit-download = Descarga
console-audit-download-now = Descarga estos eventos ahora:
console-audit-download-csv = Descargar CSV
console-audit-download-excel = Descargar Excel
console-audit-too-many = Coinciden más de 1000 eventos: usa la descarga en segundo plano de abajo.
console-audit-file-format = Formato de archivo
console-audit-background-hint = El archivo se prepara en segundo plano y se envía por correo a { $email } un enlace de descarga de un solo uso.
console-audit-download-filtered = Descargar los resultados filtrados

## Applications

console-client-public = Pública
console-client-confidential = Confidencial
console-client-register-title = Registrar una aplicación
console-client-registered = { $name } registrada.
console-client-deleted = { $name } eliminada.
console-client-secret-rotated = Se ha emitido un secreto nuevo; el anterior ya no funciona.
console-client-saved = Cambios guardados.
console-clients-none = Todavía no hay ninguna aplicación registrada.
console-client-type = Tipo
console-client-grants = Concesiones
console-client-redirects = URI de redirección
console-client-id = Id de cliente
console-client-secret-shown = Secreto de cliente, que solo se muestra ahora: cópialo en la configuración de la aplicación.
console-client-secret = Secreto de cliente
console-client-name = Nombre de la aplicación
console-client-redirects-field = URI de redirección (una por línea)
console-client-logout-redirects = URI de redirección tras cerrar sesión (una por línea)
console-client-confidential-choice = Confidencial (un servidor que guarda un secreto)
console-client-public-choice = Pública (una app de navegador o móvil, con PKCE)
console-grant-code = Código de autorización
console-grant-refresh = Token de actualización
console-grant-client-credentials = Credenciales de cliente
console-grant-device = Código de dispositivo (televisores, herramientas de línea de comandos)
console-client-alg = Algoritmo de firma del token de ID
console-client-access-minutes = Duración del token de acceso en minutos
console-client-id-minutes = Duración del token de ID en minutos
console-client-refresh-days = Duración del token de actualización en días
console-client-lifetime-hint = Deja una duración vacía para usar la del despliegue.
console-client-skip-consent = Omitir la página de consentimiento (una aplicación propia)
console-client-require-par = Exigir solicitudes de autorización enviadas (la aplicación envía antes cada solicitud a /par)
console-client-require-dpop = Exigir DPoP: cada solicitud de token debe demostrar la posesión de la clave de la aplicación, así que sus tokens no sirven si se roban
console-client-backchannel = URI de cierre de sesión por canal trasero
console-client-backchannel-hint = Donde se avisa a la aplicación de que ha terminado una sesión en la que inició sesión (https). Déjalo vacío para no avisarle.
console-client-subject = Identificador de sujeto
console-client-subject-public = Público (el id del miembro)
console-client-subject-pairwise = Por pares (un id propio por sector, para que las aplicaciones no puedan relacionar a los miembros)
console-client-sector = URI de identificador de sector
console-client-sector-hint = Opcional, para el modo por pares: una lista JSON con todas las URI de redirección, que se lee al guardar; su host es el sector.
console-client-profile = Perfil de seguridad
console-client-profile-standard = Estándar
console-client-profile-fapi = FAPI 2.0 (claves registradas, solicitudes enviadas, DPoP y PKCE obligatorios; sin RS256)
console-save-changes = Guardar cambios
console-client-register = Registrar aplicación
console-client-secret-removal = Secreto y eliminación
console-client-rotate = Rotar el secreto
console-client-delete = Eliminar aplicación

## Importing members

console-import-create = Crear
console-import-update = Actualizar
console-import-unchanged = Sin cambios
console-import-error = Error
console-import-change = { $field }: { $old } → { $new }
console-import-none = (nada)
console-import-summary = Vista previa de { $file }: { $create } para crear, { $update } para actualizar, { $unchanged } sin cambios, { $warnings ->
    [one] 1 aviso
   *[other] { $warnings } avisos
}, { $errors ->
    [one] 1 error
   *[other] { $errors } errores
}.
console-import-choose-file = Elige un archivo de miembros (.xlsx o .csv) para importar.
console-import-preview-title = Importar miembros: vista previa
console-import-not-applied = No se ha aplicado nada
console-back-to-import = Volver a la importación
console-import-unknown = No existe esa importación
console-import-interrupted = interrumpida
console-import-previewed = con vista previa
console-import-queued = en cola
console-import-running = en curso
console-import-done = terminada
console-import-failed = fallida
console-import-job-title = Importación de miembros
console-import-progress = Importación { $status }: { $processed } de { $total } cambios procesados, { $applied } aplicados, { $conflicts } sin aplicar porque el miembro cambió después de la vista previa.
console-import-intro = Sube un libro de Excel o un archivo CSV con la forma de la exportación. No cambia nada hasta que apliques la vista previa.
console-import-file = Archivo de miembros (.xlsx o .csv)
console-import-preview = Vista previa de la importación
console-import-preview-label = Vista previa de la importación
console-col-row = Fila
console-col-changes = Cambios
console-col-messages = Mensajes
console-import-apply = Aplicar la importación
console-import-fix-errors = Corrige los errores del archivo y vuelve a subirlo; no se puede aplicar nada mientras haya errores.
console-import-another = Subir otro archivo
console-import-refresh = Recarga para seguir el progreso.
console-import-file-label = Archivo

## Branding tab

console-tab-branding = Marca
console-brand-shown-as = se muestra a los miembros como { $name }
console-branding-title = Marca de { $org }
console-branding-intro = Lo que los miembros ven en las páginas de inicio de sesión y en los correos de esta organización. Las suborganizaciones heredan cada valor salvo que definan el suyo. Deja un campo vacío para usar el valor heredado.
console-branding-name = Nombre visible
console-branding-name-hint = el nombre de la organización en sus páginas de inicio de sesión y en sus correos, de 1 a 80 caracteres
console-branding-colour = Color principal
console-branding-colour-hint = escrito #rrggbb, como #2353c8; el texto de los botones es blanco o casi negro, lo que se lea mejor
console-branding-support = Contacto de soporte
console-branding-support-hint = una dirección de correo o una dirección https://, que se muestra en las páginas de inicio de sesión y de error
console-branding-no-name = ninguno: el nombre de la organización, { $org }
console-branding-no-colour = ninguno: los colores propios de idp
console-branding-none = ninguno
console-branding-no-logo = No hay logotipo definido aquí ni más arriba.
console-branding-logo-here = Definido aquí.
console-branding-save = Guardar la marca
console-branding-logo = Logotipo
console-branding-logo-file = Archivo del logotipo (PNG, JPEG, WebP o GIF, { $kb } KB como máximo)
console-branding-logo-hint = El tipo del archivo se lee de su contenido. No se aceptan logotipos SVG.
console-branding-upload = Subir el logotipo
console-branding-remove-logo = Quitar el logotipo de esta organización
console-branding-nothing = No hay nada que cambiar.
console-branding-saved = Marca guardada.
console-branding-logo-saved = Logotipo guardado.
console-branding-logo-removed = Logotipo quitado.
console-branding-no-own-logo = Esta organización no tiene logotipo propio.
console-branding-choose-file = Elige un archivo de logotipo (PNG, JPEG, WebP o GIF) para subir.
console-branding-logo-too-large = El logotipo ocupa más de 256 KB. Sube un archivo más pequeño.
console-brand-bad-colour = El color principal debe escribirse #rrggbb (seis dígitos hexadecimales tras #, como #2353c8), no "{ $value }".
console-brand-bad-name = El nombre visible debe tener de 1 a 80 caracteres, sin caracteres de control.
console-brand-bad-support = El contacto de soporte debe ser una dirección de correo o una dirección https://, no "{ $value }".
console-brand-svg = No se aceptan logotipos SVG; sube un PNG, JPEG, WebP o GIF.
console-brand-too-large = El logotipo ocupa { $kb } KB; un logotipo puede ocupar 256 KB como máximo.
console-brand-empty = El archivo del logotipo está vacío; sube un PNG, JPEG, WebP o GIF.
console-brand-not-an-image = Este archivo no es una imagen PNG, JPEG, WebP ni GIF, diga lo que diga su nombre; sube una de esas.
console-branding-revert-label = { console-revert }: { $setting }

## Refused policy settings and form values (idp-core's refusals; setting names and
## values stay as the administrator sent them)

console-policy-not-an-object = Los ajustes de la política deben ser un objeto de pares de nombre y valor.
console-policy-unknown-setting = { $name } no es un ajuste de la política; los ajustes son: { $settings }.
console-policy-not-one-of = { $name } debe ser uno de estos valores: { $choices }; no { $value }.
console-policy-not-whole-number = { $name } debe ser un número entero igual o mayor que 0, no { $value }.
console-policy-not-true-or-false = { $name } debe ser true o false, no { $value }.
console-policy-not-a-list = { $name } debe ser una lista, no { $value }.
console-policy-refused-value = { $name } no puede ser { $value }.
console-policy-unreadable = No se pueden leer los ajustes de la política.
console-policy-out-of-range = { $name } debe estar entre { $min } y { $max }.
console-policy-root-only = email_password_login solo se establece en la organización principal.
console-policy-bad-domain = google_hosted_domains contiene «{ $value }», que no es un nombre de dominio en minúsculas, como example.com.
console-policy-bad-tenant = entra_allowed_tenants contiene «{ $value }», que no es un id de inquilino (un GUID).
console-input-not-a-number = { $label }: «{ $text }» no es un número; escriba un número entero, como 30 o 30 { $unit }.
console-input-not-whole = «{ $label }» se cuenta en { $unit } enteros; «{ $text }» no es un número entero de { $unit }.
console-input-out-of-range = «{ $label }» debe estar entre { $min } y { $max } { $unit }.
console-input-bad-domain = Dominios de Google permitidos: «{ $value }» no es un nombre de dominio en minúsculas, como example.com.
console-input-bad-tenant = Inquilinos de Entra permitidos: «{ $value }» no es un id de inquilino (un GUID).

## Administration refusals (idp-core's AdminError)

console-refusal-unknown-org = No hay ninguna organización con el id o el identificador «{ $ref }».
console-refusal-unknown-member = No hay ningún miembro con la dirección «{ $email }» en esa organización.
console-refusal-unknown-member-id = No hay ningún miembro con el id «{ $id }».
console-refusal-unknown-client = No hay ninguna aplicación con el id «{ $id }».
console-refusal-duplicate-slug = Ya existe una organización con el identificador «{ $slug }».
console-refusal-duplicate-email = { $email } ya es miembro de esta organización.
# $permission is the area's API name; $area its name in the console.
console-refusal-forbidden = No tiene permiso para «{ $area }» en esta organización.
console-refusal-would-lock-you-out = Su propia dirección { $ip } no está en esta lista: si la guarda, perderá el acceso; confirme para guardarla de todos modos.
console-refusal-keys-super-admin-only = Solo el superadministrador gestiona las claves de firma.
console-refusal-password-length = Las contraseñas deben tener entre { $min } y { $max } caracteres.
console-refusal-email-login-off = El inicio de sesión con correo y contraseña está desactivado para { $org }; actívelo primero en Autenticación.
console-refusal-move-target-missing = Elija la organización a la que mover a los miembros.
console-refusal-too-many = Una acción puede cambiar como máximo { $limit } miembros; reduzca la selección.
console-refusal-bootstrap-link-invalid = El enlace de primera configuración es desconocido, ya se usó o ha caducado.
console-refusal-already-bootstrapped = Ya existe un superadministrador.
console-refusal-cannot-delete-root = La organización principal no se puede eliminar.
console-refusal-stale-by = { $who } lo cambió el { $at }; vuelva a cargar la página e inténtelo de nuevo.
console-refusal-stale = Se cambió el { $at }; vuelva a cargar la página e inténtelo de nuevo.
console-refusal-totp-import-cli-only = Un secreto de autenticador solo se puede importar con el comando idp.
console-refusal-member-name = Un nombre puede tener como máximo { $max } caracteres, sin caracteres de control.
console-refusal-super-admin-only = Solo un superadministrador puede eliminar a un superadministrador.
console-refusal-cannot-delete-yourself = No puede eliminarse a sí mismo.
console-refusal-last-super-admin = Este es el último superadministrador; nombre a otro primero.
console-refusal-unknown-registration-token = No hay ningún token de registro con el id «{ $id }».

## Audit log filters that cannot be used

console-filter-bad-from = «Desde» debe ser una fecha o una hora RFC 3339.
console-filter-bad-until = «Hasta» debe ser una fecha o una hora RFC 3339.
console-filter-unknown-activity = Tipo de actividad desconocido: «{ $value }».
console-filter-unknown-event = Evento desconocido: «{ $value }».
console-filter-unknown-info = Tipo de información desconocido: «{ $value }».

## Member list filters that cannot be used

console-members-filter-page-size = Muestre 25, 50, 100 o 500 miembros por página.
console-members-filter-search-too-long = La búsqueda tiene más de { $max } caracteres.
console-members-filter-bad-cursor = El enlace de la página está dañado; empiece de nuevo desde la primera página.
console-members-filter-bad-date = «{ $text }» no es una fecha como 2026-12-31.
console-members-filter-empty-range = El intervalo de inicio de sesión termina antes de empezar.

## What a bulk action did to each member ($status: active, on_leave, disabled)

console-bulk-status-set = Estado cambiado a { $status ->
    [on_leave] «de permiso»
    [disabled] «desactivado»
   *[active] «activo»
}.
console-bulk-email-login-on = Inicio de sesión con correo activado; correo de bienvenida enviado.
console-bulk-email-login-off = Inicio de sesión con correo desactivado; contraseña y enlaces pendientes eliminados.
console-bulk-reset-email-sent = Correo para restablecer la contraseña enviado.
console-bulk-second-factor-reset = Segundo factor restablecido.
console-bulk-moved-to = Movido a { $org }.
console-bulk-temporary-password-emailed = Contraseña temporal enviada por correo.
console-bulk-member-gone = Este miembro ya no existe.
console-bulk-org-gone = La organización del miembro ya no existe.
# $permission is the area's API name; $area its name in the console.
console-bulk-not-permitted = No tiene permiso para «{ $area }» en { $org }.
console-bulk-already-status = Ya está { $status ->
    [on_leave] de permiso
    [disabled] desactivado
   *[active] activo
}.
console-bulk-own-status = No puede cambiar el estado de su propia cuenta.
console-bulk-email-login-already-on = El inicio de sesión con correo ya está activado.
console-bulk-email-login-off-for = El inicio de sesión con correo y contraseña está desactivado para { $org }.
console-bulk-email-login-already-off = El inicio de sesión con correo ya está desactivado.
console-bulk-own-email-login = No puede desactivar su propio inicio de sesión con correo.
console-bulk-no-email-login = Este miembro no inicia sesión con correo y contraseña.
console-bulk-no-second-factor = Este miembro no tiene segundo factor.
console-bulk-already-in = Ya está en { $org }.
console-passkey-sign-in-label = Inicio de sesión solo con llave de acceso
console-passkey-sign-in-allowed = Permitido
console-passkey-sign-in-not-allowed = No permitido
console-passkey-sign-in-allowed-now = permitido
console-passkey-sign-in-not-allowed-now = no permitido
console-passkey-sign-in-revert-label = Volver al valor heredado del inicio de sesión solo con llave de acceso
console-passkeys = Llaves de acceso
console-passkey-named = Llave de acceso «{ $name }»

# Text-message codes and the allowed kinds of second factor
console-phone-verified = { $number }, confirmado el { $since }; último uso: { $used }
console-phone-unverified = { $number }, aún sin confirmar
console-policy-no-second-factor = Permite al menos un tipo de segundo factor.
console-policy-second-factor-twice = El tipo de segundo factor { $kind } aparece dos veces.
console-kind-totp = App de autenticación
console-kind-passkey = Llave de acceso
console-kind-email-code = Código por correo
console-kind-sms-code = Código por mensaje de texto
console-kinds-heading = Tipos de segundo factor permitidos
console-kinds-legend = Los miembros pueden demostrar su segundo factor con
console-kinds-sms-restricted = Los códigos por mensaje de texto son un autenticador restringido (NIST SP 800-63B §5.1.3.3): un número puede portarse o desviarse sin que su titular lo sepa. Permítelos solo donde los miembros no tengan nada mejor y deja otro tipo permitido.
console-kinds-save = Guardar tipos permitidos
console-kinds-saved = Se han guardado los tipos de segundo factor permitidos.
console-second-factor-sms = Código por mensaje de texto

console-policy-bad-aaguid = passkey_aaguids contiene «{ $value }», que no es el AAGUID de un modelo de autenticador (un UUID).
console-policy-passkey-required-not-allowed = No se puede exigir una llave de acceso a los administradores si las llaves de acceso no están entre los segundos factores permitidos.
console-admins-passkey-label = Los administradores deben usar una llave de acceso
console-admins-passkey-required = Obligatorio
console-admins-passkey-not-required = No obligatorio
console-admins-passkey-required-now = obligatorio
console-admins-passkey-not-required-now = no obligatorio
console-admins-passkey-revert-label = Restablecer al valor heredado la llave de acceso obligatoria para administradores
console-counter-regression-label = Una llave de acceso cuyo contador retrocedió
console-counter-regression-refuse = Rechazada
console-counter-regression-allow = Permitida (registrada)
console-counter-regression-revert-label = Restablecer al valor heredado qué pasa con un contador que retrocedió
console-aaguids-label = Modelos de autenticador (AAGUID) de los que pueden venir las llaves de acceso
console-aaguids-hint = Uno por línea; vacío: cualquier modelo. Sin atestación, el modelo es lo que declara el propio autenticador.
console-aaguids-any = cualquier modelo
console-aaguids-revert-label = Restablecer al valor heredado los modelos de autenticador
console-input-bad-aaguid = Modelos de autenticador: «{ $value }» no es el AAGUID de un modelo de autenticador (un UUID).
