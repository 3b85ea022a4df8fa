# 로그인하는 동안 보는 페이지와 모든 페이지에 공통으로 쓰는 문구.

## Shared

language-label = 언어
page-suffix = idp
date = { $year }년 { $month }월 { $day }일
datetime = { $year }년 { $month }월 { $day }일 { $time } { $zone }
start-again = 처음부터 다시 하기
back-to-sign-in = 로그인으로 돌아가기
go-to-sign-in = 로그인 페이지로 이동
continue = 계속
email-label = 이메일
throttled-seconds = 시도 횟수가 너무 많습니다. { $count }초 후에 다시 시도하세요.
throttled-minutes = 시도 횟수가 너무 많습니다. { $count }분 후에 다시 시도하세요.
too-many-sign-ins = 지금 로그인 요청이 너무 많습니다. 잠시 후 다시 시도하세요.
error-title-503 = 일시적으로 사용할 수 없음
error-message-503 = 지금은 서비스가 응답할 수 없습니다. 몇 초 후에 다시 시도하세요.

## Sign-in

login-title = 로그인
login-continue-to = { $app }(으)로 계속하려면 로그인하세요
login-with-provider = { $provider } 계정으로 계속하기
login-or-email = 또는 이메일 주소로 로그인
login-password = 비밀번호
login-submit = 로그인
login-forgot = 비밀번호를 잊으셨거나 계정이 잠기셨나요?
login-upstream-only = 이 조직은 Google 또는 Microsoft 계정으로만 로그인할 수 있는데, 지금은 둘 다 사용할 수 없습니다. 관리자에게 도움을 요청하세요.
login-wrong = 이메일 주소 또는 비밀번호가 올바르지 않습니다. 여러 번 틀리면 계정이 잠깁니다. 아래에서 새 비밀번호를 설정하면 잠금이 풀립니다.
login-locked = 잘못된 비밀번호를 너무 여러 번 입력해서 계정이 잠겼습니다. 잠금을 풀려면 아래의 링크로 새 비밀번호를 설정하세요. 이메일로 링크를 보내 드립니다.
login-on-leave = 휴직 중인 계정입니다. 복귀할 때까지 로그인이 중지됩니다.
login-ip-refused = 소속 조직에서 이 네트워크({ $ip })로부터의 로그인을 허용하지 않습니다. 허용된 네트워크에서 접속하거나 관리자에게 문의하세요.
journey-stopped-title = 로그인을 계속할 수 없습니다
journey-disabled = 로그인하는 동안 이 계정이 비활성화되었습니다. 조직의 관리자에게 문의하세요.

## Second factor

second-factor-title = 2단계 인증
second-factor-heading = 본인 확인
codes-left = 복구 코드 { $count }개 남음
second-factor-codes-low = 복구 코드가 { $count }개 남았습니다. 로그인한 뒤 보안 페이지에서 새 코드를 만드세요.
second-factor-recovery-label = 복구 코드
second-factor-recovery-hint = 인증 앱을 설정할 때 저장해 둔 코드 중 하나입니다. 각 코드는 한 번만 쓸 수 있습니다.
second-factor-email-sent = 이메일 주소로 6자리 코드를 보냈습니다. 10분 동안 유효합니다.
second-factor-email-label = 이메일로 받은 코드
second-factor-totp-label = 인증 앱에 표시된 코드
second-factor-other-ways = 다른 방법
second-factor-use-totp = 인증 앱 사용
second-factor-use-recovery = 복구 코드 사용
second-factor-send-another = 코드 다시 보내기
second-factor-email-me = 이메일로 코드 받기
second-factor-wrong-code = 코드가 올바르지 않습니다. 확인한 뒤 다시 시도하세요.
second-factor-wrong-code-left = 코드가 올바르지 않습니다. { $count }번 더 틀리면 2단계 인증 로그인이 24시간 동안 잠깁니다.
second-factor-locked = 요청이 너무 많습니다. 2단계 인증 로그인이 { $until }까지 잠겼습니다. 조직의 관리자가 2단계 인증을 초기화하면 더 일찍 풀 수 있습니다.
second-factor-not-set-up = 이 계정에는 해당 방법이 설정되어 있지 않습니다.
second-factor-expired = 설정 시간이 만료되었습니다. 처음부터 다시 하세요.
second-factor-too-many-emails = 코드를 너무 많이 보냈습니다. 잠시 기다린 뒤 다시 요청하세요.
second-factor-wrong-password = 비밀번호가 올바르지 않습니다.
second-factor-forbidden = 이 작업을 할 권한이 없습니다.

## Setting up an authenticator app

enrol-title = 인증 앱 설정
enrol-required = 소속 조직에서 로그인할 때 2단계 인증을 요구합니다. 계속하려면 인증 앱을 설정하세요.
enrol-step-open = Google Authenticator, Microsoft Authenticator, FreeOTP, Authy 같은 인증 앱을 열고 계정을 추가하세요.
enrol-step-scan = 이 QR 코드를 스캔하세요.
enrol-qr-label = 인증 앱용 QR 코드
enrol-type-key = 또는 이 키를 직접 입력하세요.
enrol-open-here = 이 기기의 인증 앱에서 열기
enrol-step-code = 앱에 표시된 6자리 코드를 입력하세요.
enrol-code-label = 6자리 코드
enrol-submit = 사용 설정
enrol-sign-in-title = 2단계 인증 설정
enrol-required-choose = 소속 조직에서 로그인할 때 2단계 인증을 요구합니다. 계속하려면 다음 중 하나를 설정하세요.
enrol-app-heading = 인증 앱
enrol-passkey-heading = 패스키
enrol-passkey-hint = 기기의 화면 잠금(PIN, 지문 또는 얼굴) 또는 보안 키를 사용합니다.
enrol-email-heading = 이메일로 받는 코드
enrol-email-hint = 로그인할 때마다 { $email }(으)로 코드가 전송됩니다.
enrol-email-submit = 이메일로 코드 받기
enrol-none-title = 2단계 인증이 필요합니다
enrol-none = 소속 조직에서 로그인할 때 2단계 인증을 요구하지만, 허용된 방법 중 여기서 설정할 수 있는 것이 없습니다. 관리자에게 설정을 요청하세요.

## Recovery codes

recovery-codes-title = 복구 코드
recovery-codes-heading = 복구 코드를 저장하세요
recovery-codes-explain = 휴대전화를 잃어버리면 인증 앱 코드 대신 이 코드로 한 번씩 로그인할 수 있습니다. 이 코드는 지금 한 번만 표시됩니다.
recovery-codes-download = 텍스트 파일로 다운로드
recovery-codes-saved = 저장했습니다. 계속하기
recovery-codes-file = 복구 코드입니다. 각 코드는 인증 앱 코드 대신 한 번씩 쓸 수 있습니다.

## Consent

consent-title = 접근 허용
consent-heading = { $app }에서 내 계정에 접근하도록 허용할까요?
consent-asks = { $email }(으)로 로그인되어 있습니다. { $app }에서 다음 권한을 요청합니다.
consent-allow = 허용
consent-deny = 거부
scope-openid = 내가 누구인지 확인(계정 식별자)
scope-profile = 이름, 사용자 이름, 언어 보기
scope-email = 이메일 주소 보기
scope-offline_access = 사용하지 않는 동안에도 로그인 상태 유지

## Signing out

logout-title = 로그아웃
logout-heading = 로그아웃할까요?
logout-app-asks = { $app }에서 idp 로그아웃을 요청합니다.
logout-this-browser = 이 브라우저에서 idp에서 로그아웃합니다.
logout-submit = 로그아웃
logout-refused-title = 로그아웃 요청을 처리할 수 없습니다
logout-hint-not-ours = 애플리케이션이 이 서버가 발급하지 않은 로그아웃 요청(id_token_hint)을 보냈습니다. 애플리케이션으로 돌아가 다시 로그아웃하세요.
logout-client-mismatch = 로그아웃 요청에 서로 다른 두 애플리케이션(client_id와 id_token_hint)이 적혀 있습니다. 애플리케이션으로 돌아가 다시 로그아웃하세요.
logout-unregistered-redirect = 애플리케이션이 등록하지 않은 주소(post_logout_redirect_uri)로 돌아가기를 요청해 로그아웃하지 않았습니다. 애플리케이션 담당자에게 알려 주세요.
logout-done-title = 로그아웃됨
logout-done-message = 이 브라우저에서 idp에서 로그아웃되었습니다.

## Passwords

change-password-title = 새 비밀번호 설정
change-password-expired = 임시 비밀번호이거나 비밀번호가 만료되었습니다. 계속하려면 새 비밀번호를 설정하세요.
change-password-new = 새 비밀번호
change-password-again = 새 비밀번호 확인
change-password-submit = 새 비밀번호 저장
password-rules = { $classes ->
    [0] { $length }자 이상이어야 하며, 이름이나 주소, 흔한 비밀번호는 쓸 수 없습니다.
   *[other] { $length }자 이상이어야 하고 소문자, 대문자, 숫자, 기타 문자 중 { $classes }가지를 섞어야 하며, 이름이나 주소, 흔한 비밀번호는 쓸 수 없습니다.
}
password-too-short = { $count }자 이상 입력하세요.
password-too-long = { $count }자 이하로 입력하세요.
password-too-few-classes = 소문자, 대문자, 숫자, 기타 문자 중 { $count }가지 이상을 섞어 쓰세요.
password-personal = 비밀번호에 이메일 주소나 이름을 쓰지 마세요.
password-common = 너무 흔한 비밀번호입니다. 다른 비밀번호를 고르세요.
password-reused = 최근에 쓰지 않은 비밀번호를 고르세요.
password-mismatch = 두 비밀번호가 일치하지 않습니다.
passwords-differ = 두 비밀번호가 다릅니다.
forgot-title = 비밀번호 찾기
forgot-heading = 비밀번호를 잊으셨나요?
forgot-sent = 이 주소로 로그인하는 계정이 있으면 새 비밀번호를 설정할 수 있는 링크를 보냈습니다. 이메일을 확인하세요.
forgot-submit = 이메일로 링크 받기
link-dead-title = 더 이상 사용할 수 없는 링크입니다
link-dead-message = 알 수 없거나 이미 사용했거나 만료된 링크입니다. 로그인 페이지의 '비밀번호를 잊으셨나요?'에서 새 링크를 요청하세요.
password-saved-title = 새 비밀번호가 저장되었습니다
password-saved-message = 모든 곳에서 로그아웃되었습니다. 새 비밀번호로 다시 로그인하세요.
recovery-link-title = 복구 링크로 로그인
recovery-link-dead-title = 더 이상 사용할 수 없는 로그인 링크입니다
account-disabled-title = 비활성화된 계정입니다
account-disabled-message = 이 계정은 비활성화되어 있습니다. 다른 최고 관리자가 다시 활성화할 수 있습니다.
recovery-link-explain = 다른 로그인 방법이 없는 관리자를 위해 서버에서 만든 링크입니다. 한 번만 사용할 수 있습니다.
recovery-link-submit = 이 링크로 로그인
recovery-link-dead = 알 수 없거나 이미 사용했거나 만료된 링크입니다. 복구 링크로는 한 번만 로그인할 수 있습니다. 서버 운영자에게 새 링크를 요청({ $command })하거나 다른 방법으로 로그인하세요.

## Errors on the way

authorize-bad-link-title = 이 로그인 링크는 사용할 수 없습니다
authorize-client-gone = 이 페이지로 안내한 애플리케이션이 더 이상 등록되어 있지 않습니다.
signin-expired-title = 로그인 시간이 만료되었습니다
signin-expired-message = 애플리케이션으로 돌아가서 다시 시작하세요.

## Error pages and the start page

error-title-400 = 요청을 처리할 수 없습니다
error-title-401 = 먼저 로그인하세요
error-title-403 = 허용되지 않음
error-title-404 = 페이지를 찾을 수 없습니다
error-title-409 = 다른 변경과 충돌했습니다
error-title-410 = 더 이상 사용할 수 없는 링크입니다
error-title-413 = 너무 큽니다
error-title-429 = 요청이 너무 많습니다
error-title-500 = 문제가 발생했습니다
error-message-400 = 페이지가 보낸 내용을 사용할 수 없습니다. 돌아가서 다시 시도하세요.
error-message-401 = 이 페이지는 로그인한 사람만 볼 수 있습니다.
error-message-403 = 이 계정으로는 이 작업을 할 수 없습니다. 필요하다고 생각되면 관리자에게 문의하세요.
error-message-404 = 이 주소에는 페이지가 없습니다. 주소를 확인하거나 시작 페이지에서 다시 시작하세요.
error-message-409 = 다른 사람이 같은 항목을 동시에 변경했습니다. 페이지를 새로 고쳐 최신 내용을 확인한 다음 다시 시도하세요.
error-message-410 = 이 링크는 이미 사용되었거나, 만료되었거나, 처음부터 유효하지 않았습니다. 새 링크를 요청하세요.
error-message-413 = 보낸 내용이 이 페이지에서 받을 수 있는 크기보다 큽니다.
error-message-429 = 요청이 너무 많습니다. 잠시 기다린 후 다시 시도하세요.
error-message-500 = 서버 쪽에서 문제가 발생했습니다. 잠시 후 다시 시도하고, 계속되면 관리자에게 알리세요.
error-operation = 관리자에게 전달할 참조 번호: { $operation }
error-go-back = 돌아가서 다시 시도
error-try-again = 다시 시도
error-start-page = 시작 페이지로 이동
error-sign-in = 로그인
form-expired = 이 양식이 만료되었거나 이 사이트에서 보낸 것이 아닙니다. 돌아가서 페이지를 새로 고친 후 다시 시도하세요.
export-link-gone = 이 다운로드 링크는 알 수 없거나, 이미 사용되었거나, 만료되었습니다. 콘솔에서 내보내기를 다시 요청하세요.
export-sign-in-first = 이 내보내기를 요청한 관리자로 로그인한 다음 링크를 다시 여세요.
landing-title = 내 계정
landing-message = 로그인하면 로그인된 기기, 보안 설정, 허용한 애플리케이션을 볼 수 있습니다.
landing-sign-in = 로그인
bootstrap-open-console = 콘솔에 로그인
password-saved-sign-in = 로그인
password-first-title = 비밀번호 만들기
password-first-hint = 이메일 주소와 함께 로그인할 때 사용할 비밀번호입니다.
password-first-saved-title = 비밀번호가 설정되었습니다
password-first-saved-message = 이메일 주소와 방금 만든 비밀번호로 로그인하세요.

security-change-password = 비밀번호 변경
security-done-password = 새 비밀번호가 저장되었습니다. 이 브라우저에서는 로그인 상태가 유지되고 다른 모든 세션은 로그아웃되었습니다.
password-current = 현재 비밀번호
password-first-label = 비밀번호
password-first-submit = 비밀번호 저장
password-back-to-security = 보안 설정으로 돌아가기
password-wrong-current = 현재 비밀번호가 올바르지 않습니다.
password-too-many-tries = 시도 횟수가 너무 많습니다. 15분 후에 다시 시도하세요.
password-email-sign-in-off = 이 계정은 비밀번호로 로그인하지 않으므로 변경할 비밀번호가 없습니다.

## Connecting a device

device-title = 기기 연결
device-explain = TV, 게임기 또는 명령줄 도구에 표시된 코드를 입력하세요.
device-code-label = 기기에 표시된 코드
device-code-hint = BCDF-GHJK처럼 영문자 8자입니다. 대소문자와 하이픈은 구분하지 않습니다.
device-code-wrong = 코드가 올바르지 않거나 만료되었습니다. 기기에 표시된 코드를 확인하세요.
device-confirm-title = { $app } 연결
device-confirm-heading = { $app }을(를) 내 계정에 연결할까요?
device-confirm-explain = { $email }(으)로 로그인되어 있습니다. 직접 내 기기에서 시작했고, 그 기기에 입력한 코드가 표시되어 있을 때만 허용하세요.
device-confirm-asks = { $app }에서 다음 권한을 요청합니다.
device-expired-title = 코드가 만료되었습니다
device-expired-message = 기기에서 다시 시작하여 새 코드를 받으세요.
device-refused-title = 이 기기를 연결할 수 없습니다
device-connected-title = 기기가 연결되었습니다
device-connected-message = 기기로 돌아가세요. 몇 초 안에 로그인됩니다.
device-denied-title = 요청을 거부했습니다
device-denied-message = 기기를 연결하지 않았습니다. 이 페이지를 닫아도 됩니다.

## First run

bootstrap-title = idp 설정
bootstrap-heading = 최고 관리자 만들기
bootstrap-explain = 아직 이 idp를 관리할 수 있는 사람이 없습니다. 이 일회용 페이지에서 기본 조직과 첫 관리자를 만듭니다.
bootstrap-org-name = 조직 이름
bootstrap-your-name = 이름
bootstrap-password-again = 비밀번호 확인
bootstrap-submit = 관리자 만들기
bootstrap-link-dead = 알 수 없거나 이미 사용했거나 만료된 초기 설정 링크입니다. 아직 관리자가 없다면 idp를 다시 시작해 새 링크를 출력하세요.
bootstrap-done-title = 최고 관리자를 만들었습니다
bootstrap-done-message = 이제 이 이메일 주소와 비밀번호로 로그인할 수 있습니다.

## Account and security

signed-in-as = { $email }(으)로 로그인되어 있습니다.
unknown-browser = 알 수 없는 브라우저
browser-on-system = { $system }의 { $browser }
account-title = 내 계정
account-console = 관리자 콘솔
account-security-link = 보안: 2단계 인증과 복구 코드
account-name = 이름
account-job-title = 직함
account-phone = 전화번호
account-sessions = 로그인된 곳
account-device = 브라우저 및 기기
account-ip = IP 주소
account-started = 시작
account-last-active = 마지막 활동
account-this-browser = (현재 브라우저)
account-sign-out = 로그아웃
account-methods = 로그인 방법
method-native = 이메일과 비밀번호
method-google = Google 계정
method-entra = Microsoft 계정
account-method = 방법
account-last-sign-in = 마지막 로그인
account-sign-ins = 로그인 횟수
account-last-ip = 마지막 IP
account-consents = 허용한 애플리케이션
account-application = 애플리케이션
account-allowed = 허용한 정보
account-since = 허용한 날짜
account-withdraw = 허용 철회
account-actions = 작업
account-sign-out-device = { $device } 로그아웃
account-withdraw-from = { $app }에 허용한 항목 철회
account-no-methods = 아직 기록된 로그인이 없습니다.
account-no-consents = 아직 내 정보를 볼 수 있도록 허용한 애플리케이션이 없습니다.
security-unlink-provider = { $provider } 계정 연결 해제
account-sign-out-all = 이 브라우저에서 모두 로그아웃
account-preferences = 언어 및 시간대
account-language = 언어
account-language-browser = 브라우저 설정에 따름
account-time-zone = 시간대
account-time-zone-hint = Europe/Berlin 또는 Asia/Seoul 같은 이름을 입력하세요. 비워 두면 브라우저의 시간대를 사용합니다.
account-save = 저장
account-saved = 언어와 시간대를 저장했습니다.
account-bad-zone = { $zone }은(는) Europe/Berlin이나 Asia/Seoul 같은 시간대 이름이 아닙니다.
security-title = 보안
security-never = 없음
security-locked = 잘못된 코드를 너무 여러 번 입력해 { $until }까지 2단계 인증 로그인이 잠겼습니다. 관리자가 더 일찍 해제할 수 있습니다.
security-password-changed = 마지막 비밀번호 변경
security-last-sign-in = 마지막 로그인
security-when-from = { $when } ({ $ip }에서)
security-last-reset = 마지막 2단계 인증 초기화
security-linked = 연결된 계정
security-linked-hint = 이 계정으로 로그인할 수 있으며, 각 계정은 자체 2단계 인증으로 보호됩니다.
security-account = 계정
security-linked-on = 연결한 날짜
security-sign-ins = 로그인 횟수
security-unlink = 연결 해제
security-methods = 2단계 인증 방법
security-method = 방법
security-state = 상태
security-added = 추가한 날짜
security-last-used = 마지막 사용
security-on = 사용
security-off = 사용 안 함
security-method-totp = 인증 앱
security-method-email = 이메일 코드
security-method-recovery = 복구 코드
security-codes-left = 복구 코드가 { $count }개 남았습니다.
security-new-codes = 새 복구 코드 만들기
security-remove-totp = 인증 앱 제거
security-your-password = 비밀번호
security-remove-totp-submit = 인증 앱과 복구 코드 제거
security-set-up-totp = 인증 앱 설정
security-email-stop = 이메일 코드 받지 않기
security-email-start = 로그인할 때 이메일로 코드 받기
security-reset = 모든 2단계 인증 끄기
security-reset-submit = 2단계 인증 초기화
security-done-removed = 인증 앱과 복구 코드를 제거했습니다.
security-done-reset = 모든 2단계 인증 방법을 껐습니다.
security-done-email-on = 이메일 코드를 사용합니다.
security-done-email-off = 이메일 코드를 사용하지 않습니다.
security-done-unlinked = 계정 연결을 해제했습니다. 이제 이 계정으로 여기에 로그인할 수 없습니다.

# --- Branding (organization logo and support contact in the page layout) ---
brand-logo-alt = { $org } 로고
brand-support = 도움이 필요하신가요? 지원팀에 문의하세요:

## Sign-in with Google or Microsoft that did not work (routes/federated.rs)

federation-failed-title = { $provider }(으)로 로그인하지 못했습니다
federation-unreachable = 지금은 { $provider }에서 응답하지 않습니다. 몇 분 후에 다시 시도하거나 다른 방법으로 로그인하세요.
federation-bad-answer = { $provider }에서 사용할 수 없는 응답을 보냈습니다. 나중에 다시 시도하거나 다른 방법으로 로그인하세요.
federation-invalid-token = { $provider }의 로그인을 확인할 수 없어 거부했습니다. 처음부터 다시 시작하세요.
federation-consent-granted-title = 동의 완료
federation-consent-granted = Microsoft Entra ID에 조직의 동의가 기록되었습니다(테넌트 { $tenant }). 이제 구성원은 일일이 동의하지 않고 Microsoft로 로그인할 수 있습니다. 이 페이지는 닫아도 됩니다.
federation-consent-refused-title = 동의하지 않았습니다
federation-consent-refused = Microsoft Entra ID에 동의가 기록되지 않았습니다({ $error }). 조직 테넌트의 관리자로 로그인한 상태에서 링크를 다시 열고 수락하세요.
federation-invalid-state = 이 로그인은 만료되었거나 이미 사용되었거나 이 브라우저에서 시작되지 않았습니다. 로그인 페이지에서 다시 시작하세요.
federation-cancelled = { $provider } 로그인이 취소되었거나 거부되었습니다(access_denied). 다시 시작할 수 있습니다.
federation-consent-required = { $provider }에서 신원 정보를 공유하려면 먼저 동의가 필요합니다({ $code }). 다시 시작해서 수락하거나, 관리자에게 조직 전체의 동의를 요청하세요.
federation-upstream-error-described = { $provider }에서 로그인하지 못했습니다({ $code }): { $description }
federation-upstream-error = { $provider }에서 로그인하지 못했습니다({ $code }).
federation-no-code = 공급자의 응답에 인가 코드가 없습니다. 처음부터 다시 시작하세요.
federation-provider-not-allowed = 소속 조직에서 { $provider } 로그인을 허용하지 않습니다.
federation-email-not-verified = { $provider }에서 이 이메일 주소를 확인하지 않았으므로 여기서 로그인에 사용할 수 없습니다.
federation-domain-not-allowed = 소속 조직에서 { $domain }의 Google 계정을 허용하지 않습니다.
federation-tenant-not-allowed = 소속 조직에서 이 디렉터리(테넌트 { $tenant })의 Microsoft 계정을 허용하지 않습니다.
federation-no-account = 이 { $provider } 로그인과 일치하는 계정이 없으며, 첫 로그인 때 계정이 자동으로 만들어지지 않습니다. 관리자에게 추가를 요청하세요.
federation-disabled = 비활성화된 계정입니다. 관리자에게 문의하세요.

# Passkeys
passkey-error-disabled = 이 서버에서는 패스키를 사용할 수 없습니다.
passkey-error-expired = 패스키 요청이 만료되었습니다. 다시 시작하세요.
passkey-error-name = 패스키 이름을 1~64자로 입력하세요.
passkey-error-too-many = 허용된 최대 개수의 패스키가 있습니다. 먼저 하나를 삭제하세요.
passkey-error-not-found = 해당 패스키가 목록에 없습니다.
passkey-error-unknown = 해당 패스키는 여기에 등록되어 있지 않습니다.
passkey-error-excluded = 해당 패스키는 이미 등록되어 있습니다.
passkey-error-cross-origin = 패스키가 다른 사이트에 대한 응답을 보냈습니다.
passkey-error-challenge = 패스키의 응답이 이 요청과 맞지 않습니다. 다시 시작하세요.
passkey-error-signature = 패스키의 응답을 확인할 수 없습니다.
passkey-error-user-not-verified = 패스키가 본인 확인(PIN, 지문 또는 얼굴)을 하지 않았습니다. 다시 시도하고 기기에서 확인하세요.
passkey-error-counter = 이 패스키가 복제되었을 수 있습니다: 카운터가 뒤로 돌아갔습니다. 다른 방법을 사용하고 관리자에게 알리세요.
passkey-error-not-allowed = 조직에서 패스키만으로 로그인하는 것을 허용하지 않습니다. 이메일과 비밀번호로 로그인하세요.
security-passkeys = 패스키
security-passkeys-hint = 패스키를 사용하면 코드 대신 기기의 화면 잠금(PIN, 지문 또는 얼굴)으로 로그인합니다.
security-no-passkeys = 아직 패스키가 없습니다.
security-passkey-name = 패스키 이름
security-add-passkey = 패스키 추가
security-remove-passkey = 삭제
security-remove-passkey-named = 패스키 { $name } 삭제
security-done-passkey-added = 패스키가 추가되었습니다.
security-done-passkey-removed = 패스키가 삭제되었습니다.
passkey-needs-script = 패스키를 사용하려면 JavaScript와 이를 지원하는 브라우저가 필요합니다. JavaScript를 켜거나 다른 방법을 사용하세요.
passkey-cancelled = 패스키가 사용되지 않았습니다: 브라우저나 기기가 중단했습니다. 다시 시도하거나 다른 방법을 사용하세요.
security-remove-passkey-password = { $name } 삭제를 위한 비밀번호
second-factor-use-passkey = 패스키 사용
login-with-passkey = 패스키로 로그인
# Text-message codes and the allowed kinds of second factor
phone-no-country-code = 국가 번호를 포함해 +로 시작하는 번호를 입력하세요 (예: +82 10 1234 5678).
phone-not-a-number = 전화번호에는 숫자, 공백, 하이픈, 마침표, 괄호만 쓸 수 있습니다.
phone-wrong-length = 전화번호로 보기에는 너무 짧거나 깁니다.
second-factor-too-many-texts = 문자 메시지를 너무 많이 보냈습니다. 잠시 기다린 뒤 다시 요청하세요.
second-factor-text-not-sent = 문자 메시지를 보내지 못했습니다. 나중에 다시 시도하거나 이메일로 코드를 받으세요.
second-factor-not-allowed = 조직에서 허용하지 않는 2단계 인증 방식입니다.
second-factor-phone-in-use = 이미 전화번호가 등록되어 있습니다. 다른 번호를 추가하려면 먼저 삭제하세요.
second-factor-sms-sent = { $number }(으)로 문자 메시지 코드를 보냈습니다. 10분 동안 사용할 수 있습니다.
second-factor-sms-label = 문자 메시지의 코드
second-factor-sms-send = 문자 메시지로 코드 받기
second-factor-sms-send-another = 문자 메시지 다시 보내기
security-method-sms = 문자 메시지 코드
security-done-phone-sent = 휴대전화로 코드를 보냈습니다. 아래에 입력해 번호를 확인하세요.
security-done-phone-verified = 전화번호가 확인되었습니다. 이제 문자 메시지로 로그인 코드를 받을 수 있습니다.
security-done-phone-removed = 전화번호를 삭제했습니다.
security-phone-verified = 코드는 { $number }(으)로 보내집니다.
security-phone-waiting = { $number } 번호는 보낸 코드로 확인을 기다리고 있습니다.
security-phone-code = 문자 메시지의 코드
security-phone-verify = 번호 확인
security-phone-resend = 코드 다시 보내기
security-phone-remove = 전화번호 삭제
security-phone-hint = 문자 메시지는 인증 앱보다 약한 2단계 인증입니다. 번호는 탈취될 수 있습니다. 다른 방법을 쓸 수 없을 때 사용하세요.
security-phone-label = 국가 번호를 포함한 휴대전화 번호
security-phone-add = 이 번호로 코드 보내기
passkey-error-not-offered = 조직에서 패스키를 사용하지 않습니다. 다른 방법을 사용하세요.

journey-passkey-required = 조직의 관리자는 2단계 인증으로 패스키를 사용해야 하는데, 등록된 패스키가 없습니다. 다른 관리자에게 이 규칙을 잠시 꺼 달라고(또는 관리자 역할을 해제해 달라고) 요청한 뒤, 보안 페이지에서 패스키를 추가하세요.
passkey-error-model = 조직에서 이 종류의 인증기로 만든 패스키를 받지 않습니다. 다른 인증기를 사용하세요.
