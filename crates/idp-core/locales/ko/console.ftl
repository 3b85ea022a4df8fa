# The administrator console.

## Layout and what every page shares

console-page-title = { $title } · idp 콘솔
console-brand = idp 콘솔
console-skip = 본문으로 건너뛰기
console-nav-label = 콘솔
console-nav-orgs = 조직
console-nav-clients = 애플리케이션
console-nav-keys = 서명 키
console-your-account = 내 계정
console-sign-out = 로그아웃
console-breadcrumb = 이동 경로
console-org-tabs = 조직
console-tab-overview = 개요
console-tab-members = 구성원
console-tab-authentication = 인증
console-tab-security = 보안
console-tab-login-settings = 로그인 설정
console-tab-federation = 페더레이션
console-tab-administrators = 관리자
console-tab-audit = 감사 로그
console-search = 검색
console-show-all = 모두 보기
console-none = 없음.
console-col-org = 조직
console-col-members = 구성원
console-col-sub-orgs = 하위 조직
console-col-actions = 작업
console-apply-filters = 필터 적용
console-clear-filters = 필터 지우기
console-first-page = 첫 페이지
console-next-page = 다음 페이지
console-on = 켜짐
console-off = 꺼짐
console-default = 기본값
console-as-parent = 상위 조직의 설정을 따름
console-revert = 상속된 값으로 되돌리기
console-back-to-members = 구성원 목록으로 돌아가기
console-back-to-clients = 애플리케이션 목록으로 돌아가기

## Refusals and other messages

console-no-role-title = 관리하는 대상이 없습니다
console-no-role-message = 이 콘솔은 관리자용입니다. 회원님의 계정에는 관리자 역할이 없습니다.
console-back-to-account = 내 계정으로 돌아가기
console-stale-title = 이 양식은 만료되었습니다
console-stale-message = 양식을 너무 오래 열어 두었거나 이 사이트에서 보낸 것이 아니어서 아무것도 변경되지 않았습니다. 돌아가서 페이지를 새로 고친 후 다시 시도하세요.
console-back-to-page = 페이지로 돌아가기
console-refused-forbidden = 허용되지 않음
console-refused-not-found = 찾을 수 없음
console-refused-unchanged = 변경된 내용이 없습니다
console-go-back = 돌아가기
console-unknown-action-title = 알 수 없는 작업
console-unknown-action-message = 존재하지 않는 작업입니다. 아무것도 변경되지 않았습니다.
console-back-to-org = 조직으로 돌아가기
console-back-to-member = 구성원 정보로 돌아가기

## Organizations

console-orgs-title = 조직
console-orgs-find = 조직 찾기
console-orgs-search-label = 이름 또는 슬러그로 검색
console-orgs-none = 일치하는 조직이 없습니다.
console-orgs-tree = 조직 트리
console-orgs-members-of = { $org }의 구성원
console-org-slug = 슬러그
console-org-kind = 유형
console-org-kind-root = 최상위 조직
console-org-kind-sub = 하위 조직
console-org-direct-members = 직속 구성원
console-org-child-counts = 구성원 { $members }명, 하위 조직 { $subs }개
console-org-create-heading = 하위 조직 만들기
console-org-child-name = 하위 조직 이름
console-org-child-slug = 슬러그 (선택)
console-org-slug-hint = 영문 소문자, 숫자, 하이픈을 쓸 수 있습니다. 비워 두면 이름으로 만들어집니다.
console-org-create = 하위 조직 만들기
console-org-rename = 이름 변경
console-org-name = 조직 이름
console-org-move = 이동
console-org-new-parent = 새 상위 조직
console-org-delete-heading = 삭제
console-org-empty = 이 조직에는 구성원도 하위 조직도 없습니다.
console-org-delete = 이 조직 삭제
console-org-renamed = 이름을 { $name }(으)로 바꿨습니다.
console-org-created = { $name }을(를) 만들었습니다.
console-org-moved = 이동했습니다.
console-org-deleted = 조직을 삭제했습니다.

## Members

console-status-active = 활성
console-status-on-leave = 휴직
console-status-disabled = 비활성
console-badge-locked = 잠김
console-badge-temporary-password = 임시 비밀번호
console-badge-second-factor-locked = 2단계 인증 잠김
console-second-factor-app = 인증 앱
console-second-factor-email = 이메일 코드
console-second-factor-none = 없음
console-method-password = 비밀번호
console-never = 없음
console-new-member = 새 구성원
console-import-members = 구성원 가져오기
console-export-excel = Excel로 내보내기
console-export-csv = CSV로 내보내기
console-members-find = 구성원 찾기
console-members-search-label = 이름, 이메일 또는 ID로 검색
console-col-status = 상태
console-any-status = 모든 상태
console-col-email-login = 이메일 로그인
console-on-or-off = 켜짐 또는 꺼짐
console-col-second-factor = 2단계 인증
console-any = 전체
console-sign-in-method = 로그인 방법
console-last-sign-in-from = 마지막 로그인 시작일
console-last-sign-in-until = 마지막 로그인 종료일
console-order = 정렬
console-order-email = 이메일순
console-order-newest = 최신순
console-per-page = 페이지당 항목 수
console-include-sub-orgs = 하위 조직 포함
console-only-never-signed-in = 한 번도 로그인하지 않은 구성원만
console-members-more-than = 구성원 { $count }명 이상
console-members-count = 구성원 { $count }명
console-select-page = 이 페이지의 구성원 모두 선택
console-col-name = 이름
console-col-email = 이메일
console-col-methods = 로그인 방법
console-col-last-sign-in = 마지막 로그인
console-select-member = { $email } 선택
console-no-name = (이름 없음)
console-members-none = 이 필터와 일치하는 구성원이 없습니다.
console-act-legend = 구성원에게 작업 적용
console-scope-selected = 위에서 선택한 구성원
console-scope-all-more = 일치하는 모든 구성원({ $count }명 이상)
console-scope-all = 일치하는 구성원 { $count }명 모두
console-action = 작업
console-act-group-email = 이메일 로그인 작업
console-act-enable-email-login = 이메일 로그인 켜기
console-act-disable-email-login = 이메일 로그인 끄기
console-act-resend-reset = 비밀번호 재설정 이메일 다시 보내기
console-act-set-active = 상태 변경: 활성
console-act-set-on-leave = 상태 변경: 휴직
console-act-set-disabled = 상태 변경: 비활성
console-act-reset-second-factor = 2단계 인증 초기화
console-act-temporary-passwords = 임시 비밀번호 발급
console-act-temporary-passwords-shown = 임시 비밀번호 발급(한 번만 표시)
console-act-temporary-passwords-email = 임시 비밀번호를 이메일로 발급
console-act-move = 다른 조직으로 이동
console-move-to = 이동할 조직
console-move-choose = (이동할 때 선택)
console-move-hint = "다른 조직으로 이동" 작업에서만 사용됩니다.
console-apply-to-members = 구성원에게 적용
console-choose-action-title = 작업을 선택하세요
console-choose-action-message = 구성원에게 적용할 작업을 선택한 다음 적용하세요.
console-none-selected-title = 선택한 구성원이 없습니다
console-none-selected-message = 구성원을 한 명 이상 선택하거나 일치하는 모든 구성원을 선택한 다음 작업을 다시 적용하세요. 아무것도 변경되지 않았습니다.
console-temporary-password-issued-once = 임시 비밀번호를 발급했습니다. 한 번만 사용할 수 있습니다.
console-results-heading = { $action }: 결과
console-results-summary = 완료 { $done }건, 건너뜀 { $skipped }건.
console-results-passwords = 임시 비밀번호는 이 페이지에서만 표시됩니다. 지금 각 구성원에게 전달하세요.
console-results = 결과
console-col-member = 구성원
console-col-result = 결과
console-col-details = 세부 정보
console-result-done = 완료
console-result-skipped = 건너뜀
console-email-address = 이메일 주소
console-new-member-email-login = 이메일 및 비밀번호 로그인 사용
console-new-member-hint = 구성원에게 비밀번호를 만들 수 있는 링크가 담긴 환영 이메일이 발송됩니다.
console-add-member = 구성원 추가
console-cancel = 취소

## A member's page

console-sign-ins = 로그인 횟수
console-last-ip = 마지막 IP 주소
console-position = 직책
console-phone = 전화번호
console-email-and-password = 이메일 및 비밀번호
console-never-used = 사용한 적 없음
console-app-added = { $added }에 추가, 마지막 사용: { $used }
console-not-set-up = 설정되지 않음
console-emailed-codes = 이메일 코드
console-emailed-codes-on = { $since }부터 사용 중, 마지막 사용: { $used }
console-recovery-codes-left = 남은 복구 코드
console-lock = 잠금
console-not-locked = 잠기지 않음
console-locked-until = { $until }까지 잠김
console-locked-since = { $since }부터 잠김
console-never-expires = 만료되지 않음
console-password-temporary = 임시: 다음 로그인 때 변경해야 함
console-password-set = 설정됨
console-password-not-set = 설정되지 않음
console-last-changed = 마지막 변경
console-expires = 만료
console-failed-sign-ins = 로그인 실패 횟수
console-everything = 전체
console-super-administrator = 최고 관리자
console-member-unlocked = 비밀번호 잠금을 해제했습니다.
console-member-was-not-locked = 비밀번호가 잠겨 있지 않았습니다.
console-member-session-ended = 세션을 종료했습니다.
console-member-sessions-ended = 모든 세션을 종료했습니다.
console-member-consent-withdrawn = 동의를 철회했습니다.
console-member-profile-saved = 프로필을 저장했습니다.
console-member-unlinked = 연결된 계정을 해제했습니다.
console-temporary-password-issued = 임시 비밀번호를 발급했습니다. 지금만 표시되며 한 번만 사용할 수 있습니다.
console-nothing-to-do = 처리할 내용이 없습니다.
console-temporary-password = 임시 비밀번호:
console-member-since = 가입일
console-member-id = 구성원 ID
console-profile = 프로필
console-save-profile = 프로필 저장
console-set-status = 상태 변경
console-never-signed-in = 이 구성원은 한 번도 로그인하지 않았습니다.
console-unlink = { $provider } 계정 연결 해제
console-send-reset = 비밀번호 재설정 이메일 보내기
console-issue-temporary-password = 임시 비밀번호 발급
console-email-temporary-password = 임시 비밀번호를 이메일로 보내기
console-unlock = 비밀번호 로그인 잠금 해제
console-sessions = 세션
console-no-session = 활성 세션이 없습니다.
console-col-device = 브라우저 및 기기
console-col-ip = IP 주소
console-col-started = 시작
console-col-last-active = 마지막 활동
console-end-session-label = { $started }에 시작된 세션 종료
console-end = 종료
console-end-all-sessions = 모든 세션 종료
console-consents = 동의한 애플리케이션
console-col-application = 애플리케이션
console-col-allowed = 허용된 정보
console-col-since = 동의 시점
console-withdraw-label = { $app }에 대한 동의 철회
console-withdraw = 철회
console-admin-roles = 관리자 역할
console-recent-events = 최근 감사 이벤트
console-col-when = 일시
console-col-activity = 활동
console-col-event = 이벤트
console-col-by = 수행자
console-col-detail = 세부 내용
console-all-member-events = 이 구성원의 감사 이벤트 모두 보기

## Settings pages: where a value comes from, confirmations

console-source-here = 여기서 설정됨
console-source-inherited = { $org }에서 상속됨
console-source-inherited-parent = 상위 조직에서 상속됨
console-confirm-passwords = 이 작업은 구성원 { $count }명의 저장된 비밀번호와 2단계 인증 수단을 모두 삭제합니다. 계속하려면 확인란에 { $count } 또는 조직 이름을 입력하세요.
console-confirm-second-factors = 이 작업은 구성원 { $count }명이 등록한 2단계 인증 수단을 모두 삭제합니다. 계속하려면 확인란에 { $count } 또는 조직 이름을 입력하세요.

## Login settings

console-login-settings-of = { $org } 로그인 설정
console-setting-password-min-length = 최소 비밀번호 길이
console-setting-character-classes = 필요한 문자 종류
console-setting-password-expiry = 비밀번호 만료
console-setting-password-history = 다시 쓸 수 없는 이전 비밀번호
console-setting-lockout = 계정 잠금 기준
console-setting-idle-timeout = 미사용 시 자동 로그아웃
console-setting-session-lifetime = 세션 유지 시간
console-setting-no-idle-limit = 미사용 제한 없음
console-setting-no-limit = 제한 없음
console-setting-none-required = 요구하지 않음
console-setting-any-reused = 모두 다시 사용 가능
console-setting-never-locks = 잠그지 않음
console-amount-characters = { $count }자
console-amount-classes = { $count }종류
console-amount-passwords = { $count }개
console-amount-failures = 로그인 { $count }회 실패
console-amount-minutes = { $count }분
console-amount-hours = { $count }시간
console-amount-days = { $count }일
console-unit-characters = 자
console-unit-classes = 종류
console-unit-passwords = 개
console-unit-failures = 회 실패
console-unit-minutes = 분
console-unit-hours = 시간
console-unit-days = 일
console-leave-may-now = 로그인할 수 있음
console-leave-may-not-now = 로그인할 수 없음
console-language-english-default = 영어 (읽는 사람이 따로 요청하지 않는 경우)
console-nothing-to-change = 변경할 내용이 없습니다.
console-login-settings-saved = 로그인 설정을 저장했습니다.
console-setting-reverted = 설정을 상속된 값으로 되돌렸습니다.
console-durations-hint = 기간은 2 weeks, 8 hours, 30 minutes처럼 영어 단위를 붙여 입력할 수 있습니다. 상속된 값을 쓰려면 칸을 비워 두세요.
console-col-setting = 설정
console-col-value = 값
console-col-applies-now = 현재 적용 값
console-col-source = 출처
console-revert-label = { $setting }을(를) 상속된 값으로 되돌리기
console-leave-label = 휴직 중인 구성원
console-leave-may = 로그인 허용
console-leave-may-not = 로그인 불허
console-leave-revert-label = 휴직 중인 구성원 설정을 상속된 값으로 되돌리기
console-language-label = 페이지 및 이메일 언어
console-language-default = 기본값 (영어)
console-language-hint = 브라우저가 idp에서 제공하는 언어를 요청하지 않는 사용자에게 적용
console-language-revert-label = 상속된 값으로 되돌리기: 페이지 및 이메일 언어
console-save-login-settings = 로그인 설정 저장

## Security

console-security-of = { $org } 보안
console-two-factor-off = 사용 안 함
console-two-factor-everybody = 모든 사람
console-two-factor-admins = 관리자만
console-list-inherited = 이 조직에는 자체 목록이 없습니다. { $org }에서 상속된 목록이 적용됩니다.
console-list-inherited-parent = 이 조직에는 자체 목록이 없습니다. 상위 조직에서 상속된 목록이 적용됩니다.
console-unknown-address = 알 수 없음
console-current-address-note = 현재 접속 IP
console-address-added = 현재 주소 { $ip }을(를) 아래 목록에 추가했습니다. 적용하려면 목록을 저장하세요.
console-two-factor-saved = 2단계 인증 범위를 저장했습니다.
console-two-factor-saved-cleared = 2단계 인증 범위를 저장했습니다. 구성원 { $count }명의 2단계 인증 수단을 삭제했습니다.
console-exempt-saved = 2단계 인증 예외 IP를 저장했습니다: { $count }개 항목.
console-allow-saved = 접속 허용 IP를 저장했습니다: { $count }개 항목.
console-allow-off = 접속 허용 IP 제한을 껐습니다.
console-your-address = 현재 접속 주소:
console-two-factor-heading = 2단계 인증
console-now = 현재:
console-two-factor-who = 2단계 인증이 필요한 사람
console-two-factor-off-warning = 2단계 인증을 끄면 이 조직과 하위 조직에서 2단계 인증을 설정한 구성원 { $count }명의 인증 수단(인증 앱, 이메일 코드, 복구 코드)이 모두 삭제됩니다.
console-two-factor-confirm = 끄는 경우 확인을 위해 { $count } 또는 조직 이름을 입력하세요
console-two-factor-save = 2단계 인증 범위 저장
console-allow-heading = 접속 허용 IP
console-allow-legend = 이 주소에서만 로그인 허용
console-allow-on = 허용 목록 켜기
console-allow-off-choice = 허용 목록 끄기
console-allow-entries = 주소 또는 CIDR 범위를 한 줄에 하나씩, 뒤에 메모를 붙여 입력 (최대 100개)
console-for-example = 예:
console-allow-example = 203.0.113.0/24 본사
console-add-current = + 현재 접속 IP 추가
console-allow-super-admin = 최고 관리자에게도 적용
console-allow-clients-legend = 목록이 제한하는 로그인
console-allow-all-clients = 모든 애플리케이션
console-allow-chosen-clients = 아래에서 선택한 애플리케이션만
console-allow-no-clients = 이 조직이나 상위 조직에 등록된 애플리케이션이 없습니다.
console-allow-lockout-confirm = 내 주소가 목록에 없다는 것을 알고 있으며, 그래도 저장합니다
console-allow-save = 접속 허용 IP 저장
console-exempt-heading = 2단계 인증 예외 IP
console-exempt-legend = 이 주소에서는 2단계 인증을 요구하지 않음
console-exempt-on = 예외 켜기
console-exempt-off = 예외 끄기
console-exempt-entries = 예외로 둘 주소 또는 CIDR 범위를 한 줄에 하나씩, 뒤에 메모를 붙여 입력 (최대 100개)
console-exempt-add-current-label = 예외 목록에 현재 접속 IP 추가
console-exempt-save = 2단계 인증 예외 IP 저장

## Authentication

console-authentication-of = { $org } 인증
console-auth-unknown-action = 이메일 및 비밀번호 인증을 켤지 끌지 선택하세요. 아무것도 변경되지 않았습니다.
console-back-to-authentication = 인증으로 돌아가기
console-auth-enabled = 이메일 및 비밀번호 인증을 켰습니다. 구성원 { $count }명에게 비밀번호 설정 링크를 보냈습니다.
console-auth-disabled = 이메일 및 비밀번호 인증을 껐습니다. 구성원 { $count }명의 저장된 비밀번호와 2단계 인증 수단을 삭제했습니다.
console-auth-heading = 이메일 및 비밀번호 인증
console-auth-is-on = 이메일 및 비밀번호 인증이 켜져 있습니다
console-auth-is-off = 이메일 및 비밀번호 인증이 꺼져 있습니다
console-change-it-there = 해당 조직에서 변경
console-auth-root-only = 이메일 및 비밀번호 인증은 최상위 조직에서만 켜고 끌 수 있으며, 그 아래 모든 조직에 적용됩니다.
console-auth-members-link = 이메일 로그인이 켜진 구성원
console-auth-impact = 끄면 일어나는 일
console-auth-impact-passwords = 구성원 { $count }명의 저장된 비밀번호와 모든 2단계 인증 수단이 삭제됩니다.
console-auth-impact-second-factors = 구성원 { $count }명의 인증 앱, 이메일 코드 또는 복구 코드가 삭제됩니다.
console-auth-impact-links = 구성원 { $count }명이 아직 사용하지 않은 비밀번호 설정 링크를 가지고 있으며, 이 링크는 더 이상 작동하지 않습니다.
console-auth-impact-upstream = 이후 구성원은 Google 또는 Microsoft로만 로그인합니다.
console-auth-confirm = 확인을 위해 { $count } 또는 조직 이름({ $org })을 입력하세요
console-auth-disable = 이메일 및 비밀번호 인증 끄기
console-auth-enable-hint = 켜면 모든 구성원에게 비밀번호 설정 링크가 발송됩니다.
console-auth-enable = 이메일 및 비밀번호 인증 켜기

## Federation

console-federation-of = { $org } 페더레이션
console-fed-google = Google로 로그인
console-fed-entra = Microsoft로 로그인
console-fed-jit = 첫 로그인 때 구성원 만들기 (JIT 프로비저닝)
console-fed-domains = 허용할 Google Workspace 도메인 (한 줄에 하나)
console-fed-domains-hint = 최상위 조직에서 비워 두면 확인된 Google 주소를 모두 허용합니다.
console-fed-tenants = 허용할 Entra 테넌트 ID (한 줄에 하나)
console-fed-tenants-hint = 테넌트 ID는 GUID이며 Entra 관리 센터의 개요에 표시됩니다.
console-fed-tenant = 테넌트 { $tenant }
console-fed-any-tenant = 모든 조직의 테넌트 (관리자 본인의 테넌트)
console-federation-saved = 페더레이션 설정을 저장했습니다.
console-now-on = 현재 켜짐
console-now-off = 현재 꺼짐
console-fed-follow-parent = 비워 두면 상위 조직의 설정을 따릅니다.
console-federation-save = 페더레이션 설정 저장
console-fed-consent-heading = Microsoft Entra ID 관리자 동의
console-fed-consent-intro = 고객사의 Entra 관리자에게 아래 링크 중 하나를 보내세요. 링크를 열면 조직 전체를 대신해 이 ID 공급자에 동의하므로 구성원에게 일일이 묻지 않습니다.
console-fed-consent-link = 관리자 동의 링크: { $tenant }
console-fed-entra-missing = 이 서버에는 Microsoft 로그인이 구성되어 있지 않아(federation.entra) 아직 동의 링크가 없습니다.

## Signing keys

console-key-current = 현재 (지금 서명 중)
console-key-next = 다음 (게시됨, 다음 교체 후 서명)
console-key-retired = 폐기됨 (서명했던 것을 검증)
console-keys-super-only = 서명 키는 최고 관리자만 관리할 수 있습니다.
console-back-to-orgs = 조직 목록으로 돌아가기
console-keys-not-rotated = 교체된 키가 없습니다
console-keys-choose-alg = 목록에 있는 알고리즘 하나 또는 전체를 선택하세요.
console-back-to-keys = 서명 키로 돌아가기
console-key-promoted = { $alg }은(는) 이제 { $kid }(으)로 서명합니다
console-keys-rotated = 교체했습니다: { $list }.
console-keys-hint = 다음 키는 서명에 쓰이기 전에 먼저 게시되므로, 현재 키가 될 때 연동 애플리케이션이 이미 가지고 있습니다. 폐기된 키는 그 키로 서명한 토큰이 모두 만료될 때까지 계속 게시됩니다.
console-keys-published = 게시된 키
console-col-alg = 알고리즘
console-col-kid = 키 ID
console-col-state = 상태
console-col-created = 생성
console-col-signing-since = 서명 시작
console-col-retired = 폐기
console-col-leaves = 키 세트에서 빠지는 시점
console-rotate = 교체
console-rotate-explain = 교체하면 각 다음 키가 현재 키가 되고, 현재 키는 폐기되며, 새 다음 키가 게시됩니다. 다른 서버는 { $seconds }초 안에 반영합니다.
console-all-algs = 모든 알고리즘

## Registration tokens

console-tokens-title = 등록 토큰
console-token-never-expires = 만료 없음 (폐기할 때까지)
console-token-revoked = 토큰 { $id }을(를) 폐기했습니다.
console-token-bad-lifetime = 유효 기간은 초 단위 숫자나 m, h, d 단위(90m, 7d)로 최대 366일까지 입력하세요. 폐기할 때까지 유효한 토큰은 비워 두세요.
console-tokens-intro = 등록 토큰이 있으면 개발자 도구가 /register에서 한 조직에 애플리케이션을 등록할 수 있습니다(동적 클라이언트 등록).
console-tokens-off = 이 서버에서는 동적 등록이 꺼져 있습니다. 운영자가 [registration] enabled = true로 설정해야 토큰이 작동합니다.
console-token-shown = 등록 토큰은 지금만 표시됩니다. 개발자에게 전달하세요.
console-token = 등록 토큰
console-token-lifetime = 유효 기간 (예: 7d, 12h. 비워 두면 폐기할 때까지)
console-token-issue = 토큰 발급
console-tokens-none = 발급된 등록 토큰이 없습니다.
console-col-token-id = 토큰 ID
console-col-issued = 발급
console-token-usable = 사용 가능
console-token-unusable = 만료 또는 폐기됨
console-revoke = 폐기

## Administrators

console-area-allowed-ips = 허용 IP
console-administrators-of = { $org } 관리자
console-admins-choose-area = 영역을 하나 이상 선택하세요.
console-admins-gone = 해당 관리자가 더 이상 존재하지 않습니다.
console-admins-granted = { $email }에게 부여했습니다: { $areas }.
console-admins-revoked = { $email }에게서 회수했습니다: { $areas }.
console-admins-not-held = 이 조직에 대한 { $area } 권한이 없으므로 부여하거나 회수할 수 없습니다.
console-admins-not-an-address = "{ $email }"은(는) 이메일 주소가 아닙니다.
console-admins-no-member = 이 조직 트리에 { $email } 주소를 가진 구성원이 없습니다. 먼저 구성원으로 추가하세요.
console-admins-super-hint = 최고 관리자는 여기에 표시되지 않더라도 모든 곳에서 모든 작업을 할 수 있습니다.
console-admins-none = 아직 이 조직을 관리하는 사람이 없습니다.
console-col-administrator = 관리자
console-col-areas = 영역
console-col-over = 관리 대상
console-admins-here = 이 조직
console-admins-from = { $email }에게서
console-admins-revoke-label = { $email }에게서 선택한 영역 회수
console-admins-change-on = { $org }에서 변경
console-admins-grant-heading = 영역 부여
console-admins-member-email = 구성원 이메일
console-admins-areas-legend = 이 조직과 하위 조직에 대한 영역
console-admins-grant = 부여

## Audit log

console-audit-of = { $org } 감사 로그
console-audit-not-a-member = "{ $member }"은(는) 이메일 주소나 구성원 ID가 아닙니다.
console-audit-no-member = 이 조직이나 하위 조직에 { $email } 주소를 가진 구성원이 없습니다.
console-audit-not-under = "{ $within }"은(는) { $org } 아래의 조직이 아닙니다.
console-audit-bad-cursor = 주소의 페이지 위치가 이 콘솔에서 만든 것이 아닙니다. 첫 페이지부터 다시 시작하세요.
console-audit-not-downloaded = 다운로드된 것이 없습니다
console-back-to-audit = 감사 로그로 돌아가기
console-audit-choose-format = 파일 형식을 선택하세요
console-audit-choose-format-message = CSV 또는 Excel을 선택한 다음 다시 다운로드를 요청하세요. 아무것도 시작되지 않았습니다.
console-audit-not-started = 시작된 것이 없습니다
console-audit-export-started = 내보내기를 준비하고 있습니다. 일회용 다운로드 링크가 { $email }(으)로 발송됩니다.
console-activity-sign-in = 로그인
console-activity-personal-info-access = 개인정보 열람
console-activity-permission-change = 권한 변경
console-activity-security-settings-change = 보안 설정 변경
console-activity-second-factor-reset = 2단계 인증 초기화
console-activity-temporary-password = 임시 비밀번호
console-activity-password-reset = 비밀번호 재설정
console-activity-account-lock = 계정 잠금
console-activity-consent = 동의
console-activity-token-revocation = 토큰 폐기
console-activity-client-change = 애플리케이션 변경
console-activity-organization-change = 조직 변경
console-activity-member-change = 구성원 변경
console-activity-audit-access = 감사 로그 열람
console-activity-retention = 보존 기간 삭제
console-event-view = 조회
console-event-create = 생성
console-event-edit = 수정
console-event-delete = 삭제
console-event-download = 다운로드
console-info-authentication-token = 인증 토큰
console-info-personal = 개인정보
console-info-hr = 인사 정보
console-info-contact = 연락처
console-info-security-settings = 보안 설정
console-info-permission = 권한
console-info-other = 기타
console-actor-member = 구성원
console-actor-system = 시스템
console-audit-retention = 이벤트는 { $days }일(이 조직의 보존 기간) 동안 보관된 뒤 삭제됩니다. 이 로그를 열람한 것도 기록됩니다.
console-audit-filter = 감사 이벤트 필터
console-audit-and-below = { $org } 및 모든 하위 조직
console-audit-activity-type = 활동 유형
console-audit-any-activity = 모든 활동
console-audit-member = 구성원 (ID 또는 이메일)
console-audit-any-event = 모든 이벤트
console-audit-info-type = 정보 유형
console-audit-any-info = 모든 정보
console-audit-from = 시작일
console-audit-until = 종료일 (포함)
console-audit-events = 이벤트 (최신순)
console-audit-none = 이 필터와 일치하는 이벤트가 없습니다.
console-col-information = 정보
console-col-concerned = 대상 구성원
console-audit-download = 다운로드
console-audit-download-now = 지금 이 이벤트 다운로드:
console-audit-download-csv = CSV 다운로드
console-audit-download-excel = Excel 다운로드
console-audit-too-many = 일치하는 이벤트가 1,000개를 넘습니다. 아래의 백그라운드 다운로드를 이용하세요.
console-audit-file-format = 파일 형식
console-audit-background-hint = 파일은 백그라운드에서 준비되며, 일회용 다운로드 링크가 { $email }(으)로 발송됩니다.
console-audit-download-filtered = 필터 결과 다운로드

## Applications

console-client-public = 공개
console-client-confidential = 기밀
console-client-register-title = 애플리케이션 등록
console-client-registered = { $name }을(를) 등록했습니다.
console-client-deleted = { $name }을(를) 삭제했습니다.
console-client-secret-rotated = 새 시크릿을 발급했습니다. 이전 시크릿은 더 이상 작동하지 않습니다.
console-client-saved = 변경 사항을 저장했습니다.
console-clients-none = 등록된 애플리케이션이 없습니다.
console-client-type = 유형
console-client-grants = 그랜트
console-client-redirects = 리디렉션 URI
console-client-id = 클라이언트 ID
console-client-secret-shown = 클라이언트 시크릿은 지금만 표시됩니다. 애플리케이션 설정에 복사하세요.
console-client-secret = 클라이언트 시크릿
console-client-name = 애플리케이션 이름
console-client-redirects-field = 리디렉션 URI (한 줄에 하나)
console-client-logout-redirects = 로그아웃 후 리디렉션 URI (한 줄에 하나)
console-client-confidential-choice = 기밀 (시크릿을 보관하는 서버)
console-client-public-choice = 공개 (브라우저 또는 모바일 앱, PKCE 사용)
console-grant-code = 인가 코드
console-grant-refresh = 리프레시 토큰
console-grant-client-credentials = 클라이언트 자격 증명
console-grant-device = 기기 코드 (TV, 명령줄 도구)
console-client-alg = ID 토큰 서명 알고리즘
console-client-access-minutes = 액세스 토큰 유효 기간 (분)
console-client-id-minutes = ID 토큰 유효 기간 (분)
console-client-refresh-days = 리프레시 토큰 유효 기간 (일)
console-client-lifetime-hint = 비워 두면 배포 환경의 기본 유효 기간을 씁니다.
console-client-skip-consent = 동의 페이지 건너뛰기 (자체 애플리케이션)
console-client-require-par = PAR 필수 (애플리케이션이 모든 요청을 먼저 /par로 보냄)
console-client-require-dpop = DPoP 필수: 모든 토큰 요청에서 애플리케이션 키를 가지고 있음을 증명해야 하므로, 토큰을 도난당해도 쓸 수 없습니다
console-client-backchannel = 백채널 로그아웃 URI
console-client-backchannel-hint = 애플리케이션이 로그인한 세션이 끝났음을 알리는 곳입니다(https). 비워 두면 알리지 않습니다.
console-client-subject = 주체 식별자
console-client-subject-public = 공개 (구성원의 ID)
console-client-subject-pairwise = 페어와이즈 (섹터마다 별도의 ID를 써서 애플리케이션끼리 구성원을 연결할 수 없음)
console-client-sector = 섹터 식별자 URI
console-client-sector-hint = 페어와이즈일 때 선택 사항: 모든 리디렉션 URI를 담은 JSON 목록으로, 저장할 때 읽습니다. 그 호스트가 섹터가 됩니다.
console-client-profile = 보안 프로필
console-client-profile-standard = 표준
console-client-profile-fapi = FAPI 2.0 (등록된 키, PAR, DPoP, PKCE 필수, RS256 사용 불가)
console-save-changes = 변경 사항 저장
console-client-register = 애플리케이션 등록
console-client-secret-removal = 시크릿 및 삭제
console-client-rotate = 시크릿 교체
console-client-delete = 애플리케이션 삭제

## Importing members

console-import-create = 생성
console-import-update = 수정
console-import-unchanged = 변경 없음
console-import-error = 오류
console-import-change = { $field }: { $old } → { $new }
console-import-none = (없음)
console-import-summary = { $file } 미리 보기: 생성 { $create }건, 수정 { $update }건, 변경 없음 { $unchanged }건, 경고 { $warnings }건, 오류 { $errors }건.
console-import-choose-file = 가져올 구성원 파일(.xlsx 또는 .csv)을 선택하세요.
console-import-preview-title = 구성원 가져오기: 미리 보기
console-import-not-applied = 적용된 것이 없습니다
console-back-to-import = 가져오기로 돌아가기
console-import-unknown = 해당 가져오기가 없습니다
console-import-interrupted = 중단됨
console-import-previewed = 미리 보기 완료
console-import-queued = 대기 중
console-import-running = 진행 중
console-import-done = 완료
console-import-failed = 실패
console-import-job-title = 구성원 가져오기
console-import-progress = 가져오기 { $status }: 변경 { $total }건 중 { $processed }건 처리, { $applied }건 적용, 미리 보기 이후 구성원이 바뀌어 { $conflicts }건은 적용하지 않음.
console-import-intro = 내보내기와 같은 형식의 Excel 통합 문서나 CSV 파일을 올리세요. 미리 보기를 적용하기 전에는 아무것도 바뀌지 않습니다.
console-import-file = 구성원 파일 (.xlsx 또는 .csv)
console-import-preview = 가져오기 미리 보기
console-import-preview-label = 가져오기 미리 보기
console-col-row = 행
console-col-changes = 변경 내용
console-col-messages = 메시지
console-import-apply = 가져오기 적용
console-import-fix-errors = 파일의 오류를 고친 뒤 다시 올리세요. 오류가 있는 동안에는 적용할 수 없습니다.
console-import-another = 다른 파일 올리기
console-import-refresh = 새로 고쳐 진행 상황 보기
console-import-file-label = 파일

## Branding tab

console-tab-branding = 브랜딩
console-brand-shown-as = 구성원에게 { $name }(으)로 표시
console-branding-title = { $org } 브랜딩
console-branding-intro = 이 조직의 로그인 페이지와 이메일에서 구성원이 보는 내용입니다. 하위 조직은 직접 설정하지 않는 한 각 값을 상속합니다. 상속된 값을 쓰려면 칸을 비워 두세요.
console-branding-name = 표시 이름
console-branding-name-hint = 로그인 페이지와 이메일에 표시되는 조직 이름, 1~80자
console-branding-colour = 기본 색상
console-branding-colour-hint = #2353c8처럼 #rrggbb 형식으로 입력; 버튼 글자는 흰색과 검은색 중 더 잘 읽히는 색
console-branding-support = 지원 연락처
console-branding-support-hint = 이메일 주소 또는 https:// 주소, 로그인 페이지와 오류 페이지에 표시
console-branding-no-name = 없음: 조직 이름 { $org } 사용
console-branding-no-colour = 없음: idp 기본 색상
console-branding-none = 없음
console-branding-no-logo = 이 조직과 상위 조직에 설정된 로고가 없습니다.
console-branding-logo-here = 여기에서 설정됨.
console-branding-save = 브랜딩 저장
console-branding-logo = 로고
console-branding-logo-file = 로고 파일 (PNG, JPEG, WebP 또는 GIF, 최대 { $kb }KB)
console-branding-logo-hint = 파일 형식은 내용으로 판단합니다. SVG 로고는 받지 않습니다.
console-branding-upload = 로고 업로드
console-branding-remove-logo = 이 조직의 로고 삭제
console-branding-nothing = 변경할 내용이 없습니다.
console-branding-saved = 브랜딩을 저장했습니다.
console-branding-logo-saved = 로고를 저장했습니다.
console-branding-logo-removed = 로고를 삭제했습니다.
console-branding-no-own-logo = 이 조직에는 자체 로고가 없습니다.
console-branding-choose-file = 업로드할 로고 파일(PNG, JPEG, WebP 또는 GIF)을 선택하세요.
console-branding-logo-too-large = 로고가 256KB보다 큽니다. 더 작은 파일을 업로드하세요.
console-brand-bad-colour = 기본 색상은 #2353c8처럼 # 뒤에 16진수 여섯 자리인 #rrggbb 형식이어야 합니다. "{ $value }"은(는) 사용할 수 없습니다.
console-brand-bad-name = 표시 이름은 제어 문자 없이 1~80자여야 합니다.
console-brand-bad-support = 지원 연락처는 이메일 주소나 https:// 주소여야 합니다. "{ $value }"은(는) 사용할 수 없습니다.
console-brand-svg = SVG 로고는 받지 않습니다. PNG, JPEG, WebP 또는 GIF를 올리세요.
console-brand-too-large = 로고가 { $kb }KB입니다. 로고는 최대 256KB까지입니다.
console-brand-empty = 로고 파일이 비어 있습니다. PNG, JPEG, WebP 또는 GIF를 올리세요.
console-brand-not-an-image = 이름과 상관없이 이 파일은 PNG, JPEG, WebP, GIF 이미지가 아닙니다. 그중 하나를 올리세요.
console-branding-revert-label = { console-revert }: { $setting }

## Refused policy settings and form values (idp-core's refusals; setting names and
## values stay as the administrator sent them)

console-policy-not-an-object = 정책 설정은 이름과 값의 쌍으로 이루어진 객체여야 합니다.
console-policy-unknown-setting = { $name }은(는) 정책 설정이 아닙니다. 설정 목록: { $settings }.
console-policy-not-one-of = { $name }의 값은 { $choices } 중 하나여야 합니다. { $value }은(는) 사용할 수 없습니다.
console-policy-not-whole-number = { $name }의 값은 0 이상의 정수여야 합니다. { $value }은(는) 사용할 수 없습니다.
console-policy-not-true-or-false = { $name }의 값은 true 또는 false여야 합니다. { $value }은(는) 사용할 수 없습니다.
console-policy-not-a-list = { $name }의 값은 목록이어야 합니다. { $value }은(는) 사용할 수 없습니다.
console-policy-refused-value = { $name }의 값으로 { $value }은(는) 사용할 수 없습니다.
console-policy-unreadable = 정책 설정을 읽을 수 없습니다.
console-policy-out-of-range = { $name }의 값은 { $min }에서 { $max } 사이여야 합니다.
console-policy-root-only = email_password_login은 최상위 조직에서만 설정할 수 있습니다.
console-policy-bad-domain = google_hosted_domains의 "{ $value }"은(는) example.com처럼 소문자로 쓴 도메인 이름이 아닙니다.
console-policy-bad-tenant = entra_allowed_tenants의 "{ $value }"은(는) 테넌트 ID(GUID)가 아닙니다.
console-input-not-a-number = { $label }: "{ $text }"은(는) 숫자가 아닙니다. 30 또는 30 { $unit }처럼 정수로 입력하세요.
console-input-not-whole = '{ $label }'은(는) { $unit } 단위의 정수로 셉니다. "{ $text }"은(는) { $unit } 단위로 나누어떨어지지 않습니다.
console-input-out-of-range = '{ $label }'은(는) { $min }에서 { $max } { $unit } 사이여야 합니다.
console-input-bad-domain = 허용할 Google 도메인: "{ $value }"은(는) example.com처럼 소문자로 쓴 도메인 이름이 아닙니다.
console-input-bad-tenant = 허용할 Entra 테넌트: "{ $value }"은(는) 테넌트 ID(GUID)가 아닙니다.

## Administration refusals (idp-core's AdminError)

console-refusal-unknown-org = ID 또는 슬러그가 "{ $ref }"인 조직이 없습니다.
console-refusal-unknown-member = 그 조직에 주소가 "{ $email }"인 구성원이 없습니다.
console-refusal-unknown-member-id = ID가 "{ $id }"인 구성원이 없습니다.
console-refusal-unknown-client = ID가 "{ $id }"인 애플리케이션이 없습니다.
console-refusal-duplicate-slug = 슬러그가 "{ $slug }"인 조직이 이미 있습니다.
console-refusal-duplicate-email = { $email }은(는) 이미 이 조직의 구성원입니다.
# $permission is the area's API name; $area its name in the console.
console-refusal-forbidden = 이 조직의 '{ $area }' 권한이 없습니다.
console-refusal-would-lock-you-out = 내 주소 { $ip }이(가) 이 목록에 없습니다. 저장하면 접속할 수 없게 됩니다. 그래도 저장하려면 확인하세요.
console-refusal-keys-super-admin-only = 서명 키는 최고 관리자만 관리할 수 있습니다.
console-refusal-password-length = 비밀번호는 { $min }~{ $max }자여야 합니다.
console-refusal-email-login-off = { $org }에서는 이메일과 비밀번호 로그인이 꺼져 있습니다. 먼저 인증에서 켜세요.
console-refusal-move-target-missing = 구성원을 옮길 조직을 선택하세요.
console-refusal-too-many = 한 번에 최대 { $limit }명의 구성원만 변경할 수 있습니다. 선택 범위를 줄이세요.
console-refusal-bootstrap-link-invalid = 초기 설정 링크를 알 수 없거나 이미 사용되었거나 만료되었습니다.
console-refusal-already-bootstrapped = 최고 관리자가 이미 있습니다.
console-refusal-cannot-delete-root = 최상위 조직은 삭제할 수 없습니다.
console-refusal-stale-by = { $who }님이 { $at }에 변경했습니다. 새로 고친 후 다시 시도하세요.
console-refusal-stale = { $at }에 변경되었습니다. 새로 고친 후 다시 시도하세요.
console-refusal-totp-import-cli-only = 인증 앱 비밀 키는 idp 명령으로만 가져올 수 있습니다.
console-refusal-member-name = 이름은 제어 문자 없이 최대 { $max }자까지 쓸 수 있습니다.
console-refusal-super-admin-only = 최고 관리자는 최고 관리자만 삭제할 수 있습니다.
console-refusal-cannot-delete-yourself = 자기 자신은 삭제할 수 없습니다.
console-refusal-last-super-admin = 마지막 최고 관리자입니다. 먼저 다른 최고 관리자를 지정하세요.
console-refusal-unknown-registration-token = ID가 "{ $id }"인 등록 토큰이 없습니다.

## Audit log filters that cannot be used

console-filter-bad-from = '시작일'에는 날짜나 RFC 3339 형식의 시각을 입력하세요.
console-filter-bad-until = '종료일'에는 날짜나 RFC 3339 형식의 시각을 입력하세요.
console-filter-unknown-activity = 알 수 없는 활동 유형 "{ $value }"입니다.
console-filter-unknown-event = 알 수 없는 이벤트 "{ $value }"입니다.
console-filter-unknown-info = 알 수 없는 정보 유형 "{ $value }"입니다.

## Member list filters that cannot be used

console-members-filter-page-size = 페이지당 25, 50, 100 또는 500명을 표시할 수 있습니다.
console-members-filter-search-too-long = 검색어가 { $max }자보다 깁니다.
console-members-filter-bad-cursor = 페이지 링크가 손상되었습니다. 첫 페이지부터 다시 시작하세요.
console-members-filter-bad-date = "{ $text }"은(는) 2026-12-31 같은 날짜가 아닙니다.
console-members-filter-empty-range = 로그인 기간의 끝이 시작보다 앞섭니다.

## What a bulk action did to each member ($status: active, on_leave, disabled)

console-bulk-status-set = 상태를 { $status ->
    [on_leave] '휴직'
    [disabled] '비활성'
   *[active] '활성'
}(으)로 바꿨습니다.
console-bulk-email-login-on = 이메일 로그인을 켜고 환영 이메일을 보냈습니다.
console-bulk-email-login-off = 이메일 로그인을 끄고 비밀번호와 대기 중인 링크를 삭제했습니다.
console-bulk-reset-email-sent = 비밀번호 재설정 이메일을 보냈습니다.
console-bulk-second-factor-reset = 2단계 인증 수단을 초기화했습니다.
console-bulk-moved-to = { $org }(으)로 옮겼습니다.
console-bulk-temporary-password-emailed = 임시 비밀번호를 이메일로 보냈습니다.
console-bulk-member-gone = 이 구성원은 더 이상 없습니다.
console-bulk-org-gone = 구성원의 조직이 더 이상 없습니다.
# $permission is the area's API name; $area its name in the console.
console-bulk-not-permitted = { $org }에 대한 '{ $area }' 권한이 없습니다.
console-bulk-already-status = 이미 { $status ->
    [on_leave] 휴직
    [disabled] 비활성
   *[active] 활성
} 상태입니다.
console-bulk-own-status = 자신의 계정 상태는 바꿀 수 없습니다.
console-bulk-email-login-already-on = 이메일 로그인이 이미 켜져 있습니다.
console-bulk-email-login-off-for = { $org }에서는 이메일과 비밀번호 로그인이 꺼져 있습니다.
console-bulk-email-login-already-off = 이메일 로그인이 이미 꺼져 있습니다.
console-bulk-own-email-login = 자신의 이메일 로그인은 끌 수 없습니다.
console-bulk-no-email-login = 이 구성원은 이메일과 비밀번호로 로그인하지 않습니다.
console-bulk-no-second-factor = 이 구성원에게는 2단계 인증 수단이 없습니다.
console-bulk-already-in = 이미 { $org }에 있습니다.
console-passkey-sign-in-label = 패스키만으로 로그인
console-passkey-sign-in-allowed = 허용
console-passkey-sign-in-not-allowed = 허용 안 함
console-passkey-sign-in-allowed-now = 허용됨
console-passkey-sign-in-not-allowed-now = 허용되지 않음
console-passkey-sign-in-revert-label = 패스키만으로 로그인 설정을 상속값으로 되돌리기
console-passkeys = 패스키
console-passkey-named = 패스키 “{ $name }”

# Text-message codes and the allowed kinds of second factor
console-phone-verified = { $number }, { $since } 확인됨, 마지막 사용: { $used }
console-phone-unverified = { $number }, 아직 확인되지 않음
console-policy-no-second-factor = 최소 한 가지 2단계 인증 방식은 허용해야 합니다.
console-policy-second-factor-twice = 2단계 인증 방식 { $kind }이(가) 두 번 나열되었습니다.
console-kind-totp = 인증 앱
console-kind-passkey = 패스키
console-kind-email-code = 이메일 코드
console-kind-sms-code = 문자 메시지 코드
console-kinds-heading = 허용하는 2단계 인증 방식
console-kinds-legend = 구성원이 2단계 인증에 사용할 수 있는 방식
console-kinds-sms-restricted = 문자 메시지 코드는 제한된 인증 수단입니다(NIST SP 800-63B §5.1.3.3). 전화번호는 소유자 모르게 이전되거나 전달될 수 있습니다. 더 나은 방법이 없는 구성원을 위해서만 허용하고, 다른 방식도 함께 허용하세요.
console-kinds-save = 허용 방식 저장
console-kinds-saved = 허용하는 2단계 인증 방식을 저장했습니다.
console-second-factor-sms = 문자 메시지 코드

console-policy-bad-aaguid = passkey_aaguids의 "{ $value }"은(는) 인증기 모델의 AAGUID(UUID)가 아닙니다.
console-policy-passkey-required-not-allowed = 허용된 2단계 인증 방식에 패스키가 없으면 관리자에게 패스키를 요구할 수 없습니다.
console-admins-passkey-label = 관리자는 패스키 필수
console-admins-passkey-required = 필수
console-admins-passkey-not-required = 필수 아님
console-admins-passkey-required-now = 필수
console-admins-passkey-not-required-now = 필수 아님
console-admins-passkey-revert-label = 관리자 패스키 필수를 상속된 값으로 되돌리기
console-counter-regression-label = 카운터가 뒤로 간 패스키
console-counter-regression-refuse = 거부
console-counter-regression-allow = 허용(기록됨)
console-counter-regression-revert-label = 카운터가 뒤로 간 패스키 처리를 상속된 값으로 되돌리기
console-aaguids-label = 패스키를 허용할 인증기 모델(AAGUID)
console-aaguids-hint = 한 줄에 하나; 비우면 모든 모델. 증명(attestation)이 없으면 모델은 인증기 스스로의 주장입니다.
console-aaguids-any = 모든 모델
console-aaguids-revert-label = 인증기 모델을 상속된 값으로 되돌리기
console-input-bad-aaguid = 인증기 모델: "{ $value }"은(는) 인증기 모델의 AAGUID(UUID)가 아닙니다.
