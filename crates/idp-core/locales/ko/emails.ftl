# 이메일. 본문은 문단 단위로 만들고, 링크는 따로 한 줄에 둡니다.

duration-days = { $count }일
duration-hours = { $count }시간
duration-minutes = { $count }분
email-code-subject = { $issuer } 로그인 코드
email-code-code = 로그인 코드는 { $code }입니다.
email-code-warning = 이 코드는 앞으로 10분 동안 한 번만 쓸 수 있습니다. 로그인을 시도한 적이 없다면 다른 사람이 비밀번호를 알고 있는 것이니 비밀번호를 바꾸세요.
email-reset-subject = 새 비밀번호 설정
email-reset-intro = 누군가 { $email } 계정의 새 비밀번호 설정을 요청했습니다.
email-reset-open = { $duration } 안에 이 링크를 열어 새 비밀번호를 정하세요(한 번만 쓸 수 있습니다).
email-reset-ignore = 본인이 요청하지 않았다면 이 메시지를 무시하세요. 비밀번호는 그대로 유지됩니다.
email-welcome-subject = 비밀번호 만들기
email-welcome-intro = 이제 이메일 주소 { $email }(으)로 로그인할 수 있습니다.
email-welcome-open = { $duration } 안에 이 링크를 열어 비밀번호를 만드세요(한 번만 쓸 수 있습니다).
email-temporary-subject = 임시 비밀번호
email-temporary-intro = 관리자가 { $email } 계정에 임시 비밀번호를 설정했습니다.
email-temporary-once = 한 번만 쓸 수 있으며, 로그인한 직후 새 비밀번호를 정하게 됩니다.
email-export-ready-subject = 감사 로그 내보내기가 준비되었습니다
email-export-ready-intro = 요청하신 { $org }의 감사 로그 내보내기가 준비되었습니다.
email-export-ready-open = { $duration } 안에 내려받으세요(링크는 한 번만 쓸 수 있습니다).
email-export-failed-subject = 감사 로그를 내보내지 못했습니다
email-export-failed = 요청하신 { $org }의 감사 로그를 내보내지 못했습니다: { $why }

# --- Branding (organization display name) ---
email-sent-by = 보낸 곳: { $org }

# Text-message codes and the allowed kinds of second factor
sms-code-body = { $issuer } 로그인 코드: { $code } (10분간 유효). 누구에게도 알려주지 마세요.
