# The administrator console.

## Layout and what every page shares

console-page-title = { $title } · idp コンソール
console-brand = idp コンソール
console-skip = 本文へスキップ
console-nav-label = コンソール
console-nav-orgs = 組織
console-nav-clients = アプリケーション
console-nav-keys = 署名鍵
console-your-account = アカウント
console-sign-out = サインアウト
console-breadcrumb = パンくずリスト
console-org-tabs = 組織
console-tab-overview = 概要
console-tab-members = メンバー
console-tab-authentication = 認証
console-tab-security = セキュリティ
console-tab-login-settings = ログイン設定
console-tab-federation = フェデレーション
console-tab-administrators = 管理者
console-tab-audit = 監査ログ
console-search = 検索
console-show-all = すべて表示
console-none = なし。
console-col-org = 組織
console-col-members = メンバー
console-col-sub-orgs = 下位組織
console-col-actions = 操作
console-apply-filters = 絞り込む
console-clear-filters = 絞り込みを解除
console-first-page = 最初のページ
console-next-page = 次のページ
console-on = オン
console-off = オフ
console-default = 既定
console-as-parent = 親組織の設定に従う
console-revert = 継承値に戻す
console-back-to-members = メンバー一覧に戻る
console-back-to-clients = アプリケーション一覧に戻る

## Refusals and other messages

console-no-role-title = 管理対象がありません
console-no-role-message = このコンソールは管理者用です。お使いのアカウントには管理者ロールがありません。
console-back-to-account = アカウントに戻る
console-stale-title = このフォームは有効期限が切れています
console-stale-message = フォームを長時間開いたままにしていたか、このサイト以外から送信されたため、何も変更されませんでした。前のページに戻って再読み込みし、もう一度お試しください。
console-back-to-page = ページに戻る
console-refused-forbidden = 許可されていません
console-refused-not-found = 見つかりません
console-refused-unchanged = 何も変更されませんでした
console-go-back = 戻る
console-unknown-action-title = 不明な操作
console-unknown-action-message = その操作は存在しません。何も変更されませんでした。
console-back-to-org = 組織に戻る
console-back-to-member = メンバーに戻る

## Organizations

console-orgs-title = 組織
console-orgs-find = 組織を検索
console-orgs-search-label = 名前またはスラッグで検索
console-orgs-none = 一致する組織はありません。
console-orgs-tree = 組織ツリー
console-orgs-members-of = { $org } のメンバー
console-org-slug = スラッグ
console-org-kind = 種類
console-org-kind-root = 最上位組織
console-org-kind-sub = 下位組織
console-org-direct-members = 直属のメンバー
console-org-child-counts = メンバー { $members } 人、下位組織 { $subs } 件
console-org-create-heading = 下位組織を作成
console-org-child-name = 下位組織の名前
console-org-child-slug = スラッグ（任意）
console-org-slug-hint = 英小文字、数字、ハイフンが使えます。空欄の場合は名前から作られます。
console-org-create = 下位組織を作成
console-org-rename = 名前を変更
console-org-name = 組織名
console-org-move = 移動
console-org-new-parent = 新しい親組織
console-org-delete-heading = 削除
console-org-empty = この組織にはメンバーも下位組織もありません。
console-org-delete = この組織を削除
console-org-renamed = 名前を { $name } に変更しました。
console-org-created = { $name } を作成しました。
console-org-moved = 移動しました。
console-org-deleted = 組織を削除しました。

## Members

console-status-active = 有効
console-status-on-leave = 休職中
console-status-disabled = 無効
console-badge-locked = ロック中
console-badge-temporary-password = 仮パスワード
console-badge-second-factor-locked = 2 段階認証ロック中
console-second-factor-app = 認証アプリ
console-second-factor-email = メールのコード
console-second-factor-none = なし
console-method-password = パスワード
console-never = なし
console-new-member = 新しいメンバー
console-import-members = メンバーをインポート
console-export-excel = Excel にエクスポート
console-export-csv = CSV にエクスポート
console-members-find = メンバーを検索
console-members-search-label = 名前、メールアドレス、ID で検索
console-col-status = 状態
console-any-status = すべての状態
console-col-email-login = メールログイン
console-on-or-off = オン・オフ両方
console-col-second-factor = 2 段階認証
console-any = すべて
console-sign-in-method = サインイン方法
console-last-sign-in-from = 最終サインイン（開始日）
console-last-sign-in-until = 最終サインイン（終了日）
console-order = 並び順
console-order-email = メールアドレス順
console-order-newest = 新しい順
console-per-page = 1 ページの件数
console-include-sub-orgs = 下位組織を含める
console-only-never-signed-in = 一度もサインインしていないメンバーのみ
console-members-more-than = メンバー { $count } 人以上
console-members-count = メンバー { $count } 人
console-select-page = このページのメンバーをすべて選択
console-col-name = 名前
console-col-email = メールアドレス
console-col-methods = サインイン方法
console-col-last-sign-in = 最終サインイン
console-select-member = { $email } を選択
console-no-name = （名前なし）
console-members-none = この条件に一致するメンバーはいません。
console-act-legend = メンバーへの操作
console-scope-selected = 上で選択したメンバー
console-scope-all-more = 条件に一致するすべてのメンバー（{ $count } 人以上）
console-scope-all = 条件に一致するメンバー { $count } 人全員
console-action = 操作
console-act-group-email = メールログインの操作
console-act-enable-email-login = メールログインを有効にする
console-act-disable-email-login = メールログインを無効にする
console-act-resend-reset = パスワード再設定メールを再送する
console-act-set-active = 状態を変更: 有効
console-act-set-on-leave = 状態を変更: 休職中
console-act-set-disabled = 状態を変更: 無効
console-act-reset-second-factor = 2 段階認証をリセット
console-act-temporary-passwords = 仮パスワードを発行
console-act-temporary-passwords-shown = 仮パスワードを発行（一度だけ表示）
console-act-temporary-passwords-email = 仮パスワードをメールで発行
console-act-move = 別の組織へ移動
console-move-to = 移動先の組織
console-move-choose = （移動する場合に選択）
console-move-hint = 「別の組織へ移動」の操作でのみ使われます。
console-apply-to-members = メンバーに適用
console-choose-action-title = 操作を選んでください
console-choose-action-message = メンバーに対して行う操作を選んでから適用してください。
console-none-selected-title = メンバーが選択されていません
console-none-selected-message = メンバーを 1 人以上選ぶか、条件に一致するすべてのメンバーを選んでから、もう一度操作を適用してください。何も変更されませんでした。
console-temporary-password-issued-once = 仮パスワードを発行しました。使えるのは一度だけです。
console-results-heading = { $action }: 結果
console-results-summary = 完了 { $done } 件、スキップ { $skipped } 件。
console-results-passwords = 仮パスワードはこのページにしか表示されません。今すぐ各メンバーに渡してください。
console-results = 結果
console-col-member = メンバー
console-col-result = 結果
console-col-details = 詳細
console-result-done = 完了
console-result-skipped = スキップ
console-email-address = メールアドレス
console-new-member-email-login = メールアドレスとパスワードでのログインを有効にする
console-new-member-hint = パスワードを作成するリンクを記載した案内メールがメンバーに届きます。
console-add-member = メンバーを追加
console-cancel = キャンセル

## A member's page

console-sign-ins = サインイン回数
console-last-ip = 最終 IP アドレス
console-position = 役職
console-phone = 電話番号
console-email-and-password = メールアドレスとパスワード
console-never-used = 未使用
console-app-added = { $added } に追加、最終使用: { $used }
console-not-set-up = 未設定
console-emailed-codes = メールのコード
console-emailed-codes-on = { $since } からオン、最終使用: { $used }
console-recovery-codes-left = 残りの復旧コード
console-lock = ロック
console-not-locked = ロックされていません
console-locked-until = { $until } までロック中
console-locked-since = { $since } からロック中
console-never-expires = 期限なし
console-password-temporary = 仮: 次回サインイン時に変更が必要
console-password-set = 設定済み
console-password-not-set = 未設定
console-last-changed = 最終変更
console-expires = 有効期限
console-failed-sign-ins = サインイン失敗回数
console-everything = すべて
console-super-administrator = 特権管理者
console-member-unlocked = パスワードのロックを解除しました。
console-member-was-not-locked = パスワードはロックされていませんでした。
console-member-session-ended = セッションを終了しました。
console-member-sessions-ended = すべてのセッションを終了しました。
console-member-consent-withdrawn = 同意を取り消しました。
console-member-profile-saved = プロフィールを保存しました。
console-member-unlinked = 連携アカウントを解除しました。
console-temporary-password-issued = 仮パスワードを発行しました。表示されるのは今だけで、使えるのは一度だけです。
console-nothing-to-do = 行うことはありません。
console-temporary-password = 仮パスワード:
console-member-since = 登録日
console-member-id = メンバー ID
console-profile = プロフィール
console-save-profile = プロフィールを保存
console-set-status = 状態を変更
console-never-signed-in = このメンバーは一度もサインインしていません。
console-unlink = { $provider } アカウントの連携を解除
console-send-reset = パスワード再設定メールを送信
console-issue-temporary-password = 仮パスワードを発行
console-email-temporary-password = 仮パスワードをメールで送信
console-unlock = パスワードでのサインインのロックを解除
console-sessions = セッション
console-no-session = 有効なセッションはありません。
console-col-device = ブラウザーとデバイス
console-col-ip = IP アドレス
console-col-started = 開始
console-col-last-active = 最終アクティビティ
console-end-session-label = { $started } に開始したセッションを終了
console-end = 終了
console-end-all-sessions = すべてのセッションを終了
console-consents = 同意済みのアプリケーション
console-col-application = アプリケーション
console-col-allowed = 提供を許可した情報
console-col-since = 同意日時
console-withdraw-label = { $app } への同意を取り消す
console-withdraw = 取り消す
console-admin-roles = 管理者ロール
console-recent-events = 最近の監査イベント
console-col-when = 日時
console-col-activity = アクティビティ
console-col-event = イベント
console-col-by = 実行者
console-col-detail = 詳細
console-all-member-events = このメンバーの監査イベントをすべて表示

## Settings pages: where a value comes from, confirmations

console-source-here = ここで設定
console-source-inherited = { $org } から継承
console-source-inherited-parent = 親組織から継承
console-confirm-passwords = この操作により、メンバー { $count } 人の保存済みパスワードと 2 段階認証がすべて削除されます。続けるには、確認欄に { $count } または組織名を入力してください。
console-confirm-second-factors = この操作により、メンバー { $count } 人が登録した 2 段階認証がすべて削除されます。続けるには、確認欄に { $count } または組織名を入力してください。

## Login settings

console-login-settings-of = { $org } のログイン設定
console-setting-password-min-length = パスワードの最小文字数
console-setting-character-classes = 必要な文字の種類
console-setting-password-expiry = パスワードの有効期限
console-setting-password-history = 再利用できない過去のパスワード
console-setting-lockout = アカウントをロックするまで
console-setting-idle-timeout = 操作がない場合の自動サインアウト
console-setting-session-lifetime = セッションの有効期間
console-setting-no-idle-limit = 無操作の制限なし
console-setting-no-limit = 制限なし
console-setting-none-required = 指定なし
console-setting-any-reused = すべて再利用可
console-setting-never-locks = ロックしない
console-amount-characters = { $count } 文字
console-amount-classes = { $count } 種類
console-amount-passwords = { $count } 件
console-amount-failures = サインイン失敗 { $count } 回
console-amount-minutes = { $count } 分
console-amount-hours = { $count } 時間
console-amount-days = { $count } 日
console-unit-characters = 文字
console-unit-classes = 種類
console-unit-passwords = 件
console-unit-failures = 回の失敗
console-unit-minutes = 分
console-unit-hours = 時間
console-unit-days = 日
console-leave-may-now = サインイン可
console-leave-may-not-now = サインイン不可
console-language-english-default = 英語（閲覧者が別の言語を求めない限り）
console-nothing-to-change = 変更する項目はありません。
console-login-settings-saved = ログイン設定を保存しました。
console-setting-reverted = 設定を継承値に戻しました。
console-durations-hint = 期間は 2 weeks、8 hours、30 minutes のように英語の単位を付けて入力できます。継承値を使う場合は空欄のままにしてください。
console-col-setting = 設定
console-col-value = 値
console-col-applies-now = 現在の適用値
console-col-source = 設定元
console-revert-label = { $setting } を継承値に戻す
console-leave-label = 休職中のメンバー
console-leave-may = サインインできる
console-leave-may-not = サインインできない
console-leave-revert-label = 休職中のメンバーの設定を継承値に戻す
console-language-label = ページとメールの言語
console-language-default = 既定（英語）
console-language-hint = idp が提供する言語をブラウザーが求めていない閲覧者向け
console-language-revert-label = 継承値に戻す: ページとメールの言語
console-save-login-settings = ログイン設定を保存

## Security

console-security-of = { $org } のセキュリティ
console-two-factor-off = 使用しない
console-two-factor-everybody = 全員
console-two-factor-admins = 管理者のみ
console-list-inherited = この組織には独自のリストがありません。{ $org } から継承したリストが適用されます。
console-list-inherited-parent = この組織には独自のリストがありません。親組織から継承したリストが適用されます。
console-unknown-address = 不明
console-current-address-note = 現在のアクセス IP
console-address-added = お使いのアドレス { $ip } を下のリストに追加しました。適用するにはリストを保存してください。
console-two-factor-saved = 2 段階認証の対象を保存しました。
console-two-factor-saved-cleared = 2 段階認証の対象を保存しました。メンバー { $count } 人の 2 段階認証を削除しました。
console-exempt-saved = 2 段階認証の除外 IP を保存しました: { $count } 件。
console-allow-saved = アクセスを許可する IP を保存しました: { $count } 件。
console-allow-off = アクセスを許可する IP の制限をオフにしました。
console-your-address = 現在のアクセス元アドレス:
console-two-factor-heading = 2 段階認証
console-now = 現在:
console-two-factor-who = 2 段階認証が必要な人
console-two-factor-off-warning = 2 段階認証をオフにすると、この組織と下位組織で設定したメンバー { $count } 人の 2 段階認証（認証アプリ、メールのコード、復旧コード）がすべて削除されます。
console-two-factor-confirm = オフにする場合は、確認のため { $count } または組織名を入力してください
console-two-factor-save = 2 段階認証の対象を保存
console-allow-heading = アクセスを許可する IP
console-allow-legend = 次のアドレスからのサインインのみ許可
console-allow-on = 許可リストをオン
console-allow-off-choice = 許可リストをオフ
console-allow-entries = アドレスまたは CIDR 範囲を 1 行に 1 つ、後ろにメモを付けて入力（最大 100 件）
console-for-example = 例:
console-allow-example = 203.0.113.0/24 本社
console-add-current = + 現在のアクセス IP を追加
console-allow-super-admin = 特権管理者にも適用
console-allow-clients-legend = リストで制限するサインイン
console-allow-all-clients = すべてのアプリケーション
console-allow-chosen-clients = 下で選んだアプリケーションのみ
console-allow-no-clients = この組織とその上位に登録されたアプリケーションはありません。
console-allow-lockout-confirm = 自分のアドレスがリストにないことを理解したうえで保存する
console-allow-save = アクセスを許可する IP を保存
console-exempt-heading = 2 段階認証の除外 IP
console-exempt-legend = 次のアドレスからは 2 段階認証を求めない
console-exempt-on = 除外をオン
console-exempt-off = 除外をオフ
console-exempt-entries = 除外するアドレスまたは CIDR 範囲を 1 行に 1 つ、後ろにメモを付けて入力（最大 100 件）
console-exempt-add-current-label = 除外リストに現在のアクセス IP を追加
console-exempt-save = 2 段階認証の除外 IP を保存

## Authentication

console-authentication-of = { $org } の認証
console-auth-unknown-action = メールアドレスとパスワードによる認証を有効にするか無効にするかを選んでください。何も変更されませんでした。
console-back-to-authentication = 認証に戻る
console-auth-enabled = メールアドレスとパスワードによる認証をオンにしました。メンバー { $count } 人にパスワード設定用のリンクを送信しました。
console-auth-disabled = メールアドレスとパスワードによる認証をオフにしました。メンバー { $count } 人の保存済みパスワードと 2 段階認証を削除しました。
console-auth-heading = メールアドレスとパスワードによる認証
console-auth-is-on = メールアドレスとパスワードによる認証はオンです
console-auth-is-off = メールアドレスとパスワードによる認証はオフです
console-change-it-there = 設定元で変更する
console-auth-root-only = メールアドレスとパスワードによる認証のオン・オフは最上位組織だけが設定でき、その配下のすべての組織に適用されます。
console-auth-members-link = メールログインがオンのメンバー
console-auth-impact = オフにすると起きること
console-auth-impact-passwords = メンバー { $count } 人の保存済みパスワードが削除され、あわせて 2 段階認証もすべて削除されます。
console-auth-impact-second-factors = メンバー { $count } 人の認証アプリ、メールのコード、復旧コードが削除されます。
console-auth-impact-links = メンバー { $count } 人がまだ使っていないパスワード設定用のリンクを持っています。これらのリンクは使えなくなります。
console-auth-impact-upstream = 以後、メンバーは Google または Microsoft でのみサインインします。
console-auth-confirm = 確認のため、{ $count } または組織名（{ $org }）を入力してください
console-auth-disable = メールアドレスとパスワードによる認証を無効にする
console-auth-enable-hint = オンにすると、すべてのメンバーにパスワード設定用のリンクが送信されます。
console-auth-enable = メールアドレスとパスワードによる認証を有効にする

## Federation

console-federation-of = { $org } のフェデレーション
console-fed-google = Google でサインイン
console-fed-entra = Microsoft でサインイン
console-fed-jit = 初回サインイン時にメンバーを作成（ジャストインタイム プロビジョニング）
console-fed-domains = 許可する Google Workspace ドメイン（1 行に 1 つ）
console-fed-domains-hint = 最上位組織で空欄にすると、確認済みの Google アドレスをすべて受け入れます。
console-fed-tenants = 許可する Entra テナント ID（1 行に 1 つ）
console-fed-tenants-hint = テナント ID は GUID で、Entra 管理センターの概要に表示されます。
console-fed-tenant = テナント { $tenant }
console-fed-any-tenant = 任意の組織のテナント（管理者自身のテナント）
console-federation-saved = フェデレーション設定を保存しました。
console-now-on = 現在オン
console-now-off = 現在オフ
console-fed-follow-parent = 空欄にすると親組織の設定に従います。
console-federation-save = フェデレーション設定を保存
console-fed-consent-heading = Microsoft Entra ID の管理者の同意
console-fed-consent-intro = 顧客の Entra 管理者に次のいずれかのリンクを送ってください。開くと組織全体としてこの ID プロバイダーに同意するため、メンバーが個別に同意を求められることはありません。
console-fed-consent-link = 管理者の同意リンク: { $tenant }
console-fed-entra-missing = このサーバーでは Microsoft でのサインインが構成されていない（federation.entra）ため、同意リンクはまだありません。

## Signing keys

console-key-current = 現在（署名中）
console-key-next = 次（公開済み、次回のローテーション後に署名）
console-key-retired = 廃止（署名済みのものを検証）
console-keys-super-only = 署名鍵を管理できるのは特権管理者だけです。
console-back-to-orgs = 組織一覧に戻る
console-keys-not-rotated = ローテーションは行われませんでした
console-keys-choose-alg = 一覧のアルゴリズムのいずれか、またはすべてを選んでください。
console-back-to-keys = 署名鍵に戻る
console-key-promoted = { $alg } は { $kid } で署名するようになりました
console-keys-rotated = ローテーションしました: { $list }。
console-keys-hint = 次の鍵は署名に使われる前に公開されるため、現在の鍵になる時点で連携アプリケーションはすでにそれを保持しています。廃止された鍵は、それで署名したトークンがすべて期限切れになるまで公開されたままです。
console-keys-published = 公開中の鍵
console-col-alg = アルゴリズム
console-col-kid = 鍵 ID
console-col-state = 状態
console-col-created = 作成日時
console-col-signing-since = 署名開始
console-col-retired = 廃止日時
console-col-leaves = 鍵セットから外れる日時
console-rotate = ローテーション
console-rotate-explain = ローテーションすると、各アルゴリズムの次の鍵が現在の鍵になり、現在の鍵は廃止され、新しい次の鍵が公開されます。他のサーバーには { $seconds } 秒以内に反映されます。
console-all-algs = すべてのアルゴリズム

## Registration tokens

console-tokens-title = 登録トークン
console-token-never-expires = なし（取り消すまで有効）
console-token-revoked = トークン { $id } を取り消しました。
console-token-bad-lifetime = 有効期間は秒数、または m、h、d の単位付き（90m、7d）で、最長 366 日まで入力してください。取り消すまで有効なトークンにするには空欄にしてください。
console-tokens-intro = 登録トークンがあると、開発者のツールが /register で 1 つの組織にアプリケーションを登録できます（動的クライアント登録）。
console-tokens-off = このサーバーでは動的登録がオフです。運用者が [registration] enabled = true を設定するとトークンが使えるようになります。
console-token-shown = 登録トークンは今だけ表示されます。開発者に渡してください。
console-token = 登録トークン
console-token-lifetime = 有効期間（7d や 12h など。空欄なら取り消すまで）
console-token-issue = トークンを発行
console-tokens-none = 登録トークンはまだ発行されていません。
console-col-token-id = トークン ID
console-col-issued = 発行日時
console-token-usable = 使用可能
console-token-unusable = 期限切れまたは取り消し済み
console-revoke = 取り消す

## Administrators

console-area-allowed-ips = 許可 IP
console-administrators-of = { $org } の管理者
console-admins-choose-area = 領域を 1 つ以上選んでください。
console-admins-gone = その管理者はもう存在しません。
console-admins-granted = { $email } に付与しました: { $areas }。
console-admins-revoked = { $email } から取り消しました: { $areas }。
console-admins-not-held = この組織に対する { $area } の権限がないため、付与も取り消しもできません。
console-admins-not-an-address = 「{ $email }」はメールアドレスではありません。
console-admins-no-member = この組織ツリーに { $email } のメンバーはいません。先にメンバーとして追加してください。
console-admins-super-hint = 特権管理者は、ここに表示されているかどうかにかかわらず、すべての場所ですべての操作ができます。
console-admins-none = この組織を管理している人はまだいません。
console-col-administrator = 管理者
console-col-areas = 領域
console-col-over = 対象
console-admins-here = この組織
console-admins-from = { $email } から
console-admins-revoke-label = 選んだ領域を { $email } から取り消す
console-admins-change-on = { $org } で変更
console-admins-grant-heading = 領域を付与
console-admins-member-email = メンバーのメールアドレス
console-admins-areas-legend = この組織と下位組織に対する領域
console-admins-grant = 付与

## Audit log

console-audit-of = { $org } の監査ログ
console-audit-not-a-member = 「{ $member }」はメールアドレスでもメンバー ID でもありません。
console-audit-no-member = この組織とその下位に { $email } のメンバーはいません。
console-audit-not-under = 「{ $within }」は { $org } の下位組織ではありません。
console-audit-bad-cursor = アドレス内のページ位置はこのコンソールが発行したものではありません。最初のページからやり直してください。
console-audit-not-downloaded = ダウンロードは行われませんでした
console-back-to-audit = 監査ログに戻る
console-audit-choose-format = ファイル形式を選んでください
console-audit-choose-format-message = CSV か Excel を選んでから、もう一度ダウンロードを依頼してください。何も開始されていません。
console-audit-not-started = 何も開始されませんでした
console-audit-export-started = エクスポートを準備しています。1 回限りのダウンロードリンクを { $email } にメールで送ります。
console-activity-sign-in = サインイン
console-activity-personal-info-access = 個人情報の閲覧
console-activity-permission-change = 権限の変更
console-activity-security-settings-change = セキュリティ設定の変更
console-activity-second-factor-reset = 2 段階認証のリセット
console-activity-temporary-password = 仮パスワード
console-activity-password-reset = パスワードの再設定
console-activity-account-lock = アカウントのロック
console-activity-consent = 同意
console-activity-token-revocation = トークンの取り消し
console-activity-client-change = アプリケーションの変更
console-activity-organization-change = 組織の変更
console-activity-member-change = メンバーの変更
console-activity-audit-access = 監査ログの閲覧
console-activity-retention = 保存期間による削除
console-event-view = 閲覧
console-event-create = 作成
console-event-edit = 編集
console-event-delete = 削除
console-event-download = ダウンロード
console-info-authentication-token = 認証トークン
console-info-personal = 個人情報
console-info-hr = 人事情報
console-info-contact = 連絡先
console-info-security-settings = セキュリティ設定
console-info-permission = 権限
console-info-other = その他
console-actor-member = メンバー
console-actor-system = システム
console-audit-retention = イベントは { $days } 日間（この組織の保存期間）保管された後に削除されます。このログの閲覧も記録されます。
console-audit-filter = 監査イベントの絞り込み
console-audit-and-below = { $org } とその下位すべて
console-audit-activity-type = アクティビティの種類
console-audit-any-activity = すべてのアクティビティ
console-audit-member = メンバー（ID またはメールアドレス）
console-audit-any-event = すべてのイベント
console-audit-info-type = 情報の種類
console-audit-any-info = すべての情報
console-audit-from = 開始日
console-audit-until = 終了日（当日を含む）
console-audit-events = イベント（新しい順）
console-audit-none = この条件に一致するイベントはありません。
console-col-information = 情報
console-col-concerned = 対象のメンバー
console-audit-download = ダウンロード
console-audit-download-now = これらのイベントを今すぐダウンロード:
console-audit-download-csv = CSV をダウンロード
console-audit-download-excel = Excel をダウンロード
console-audit-too-many = 一致するイベントが 1,000 件を超えています。下のバックグラウンドでのダウンロードを使ってください。
console-audit-file-format = ファイル形式
console-audit-background-hint = ファイルはバックグラウンドで準備され、1 回限りのダウンロードリンクが { $email } にメールで届きます。
console-audit-download-filtered = 絞り込んだ結果をダウンロード

## Applications

console-client-public = パブリック
console-client-confidential = コンフィデンシャル
console-client-register-title = アプリケーションを登録
console-client-registered = { $name } を登録しました。
console-client-deleted = { $name } を削除しました。
console-client-secret-rotated = 新しいシークレットを発行しました。古いシークレットは使えなくなりました。
console-client-saved = 変更を保存しました。
console-clients-none = 登録されたアプリケーションはまだありません。
console-client-type = 種類
console-client-grants = グラント
console-client-redirects = リダイレクト URI
console-client-id = クライアント ID
console-client-secret-shown = クライアントシークレットは今だけ表示されます。アプリケーションの設定にコピーしてください。
console-client-secret = クライアントシークレット
console-client-name = アプリケーション名
console-client-redirects-field = リダイレクト URI（1 行に 1 つ）
console-client-logout-redirects = ログアウト後のリダイレクト URI（1 行に 1 つ）
console-client-confidential-choice = コンフィデンシャル（シークレットを保管できるサーバー）
console-client-public-choice = パブリック（ブラウザーやモバイルのアプリ、PKCE を使用）
console-grant-code = 認可コード
console-grant-refresh = リフレッシュトークン
console-grant-client-credentials = クライアントクレデンシャル
console-grant-device = デバイスコード（テレビ、コマンドラインツール）
console-client-alg = ID トークンの署名アルゴリズム
console-client-access-minutes = アクセストークンの有効期間（分）
console-client-id-minutes = ID トークンの有効期間（分）
console-client-refresh-days = リフレッシュトークンの有効期間（日）
console-client-lifetime-hint = 空欄にするとデプロイの既定値を使います。
console-client-skip-consent = 同意画面を省略する（自社のアプリケーション）
console-client-require-par = プッシュ型認可リクエストを必須にする（アプリケーションは各リクエストを先に /par へ送る）
console-client-require-dpop = DPoP を必須にする: すべてのトークンリクエストでアプリケーションの鍵の所持を証明する必要があるため、トークンが盗まれても使えません
console-client-backchannel = バックチャネルログアウト URI
console-client-backchannel-hint = アプリケーションがサインインしたセッションの終了を知らせる先です（https）。空欄にすると何も知らせません。
console-client-subject = サブジェクト識別子
console-client-subject-public = パブリック（メンバーの ID）
console-client-subject-pairwise = ペアワイズ（セクターごとに独自の ID を使い、アプリケーション間でメンバーを結び付けられない）
console-client-sector = セクター識別子 URI
console-client-sector-hint = ペアワイズの場合の任意項目: すべてのリダイレクト URI を並べた JSON で、保存時に読み込みます。そのホストがセクターになります。
console-client-profile = セキュリティプロファイル
console-client-profile-standard = 標準
console-client-profile-fapi = FAPI 2.0（登録済みの鍵、プッシュ型リクエスト、DPoP、PKCE が必須。RS256 は不可）
console-save-changes = 変更を保存
console-client-register = アプリケーションを登録
console-client-secret-removal = シークレットと削除
console-client-rotate = シークレットをローテーション
console-client-delete = アプリケーションを削除

## Importing members

console-import-create = 作成
console-import-update = 更新
console-import-unchanged = 変更なし
console-import-error = エラー
console-import-change = { $field }: { $old } → { $new }
console-import-none = （なし）
console-import-summary = { $file } のプレビュー: 作成 { $create } 件、更新 { $update } 件、変更なし { $unchanged } 件、警告 { $warnings } 件、エラー { $errors } 件。
console-import-choose-file = インポートするメンバーファイル（.xlsx または .csv）を選んでください。
console-import-preview-title = メンバーのインポート: プレビュー
console-import-not-applied = 何も適用されませんでした
console-back-to-import = インポートに戻る
console-import-unknown = そのインポートはありません
console-import-interrupted = 中断
console-import-previewed = プレビュー済み
console-import-queued = 待機中
console-import-running = 実行中
console-import-done = 完了
console-import-failed = 失敗
console-import-job-title = メンバーのインポート
console-import-progress = インポート { $status }: 変更 { $total } 件中 { $processed } 件を処理、{ $applied } 件を適用、プレビュー後にメンバーが変更されたため { $conflicts } 件は未適用。
console-import-intro = エクスポートと同じ形式の Excel ブックまたは CSV ファイルをアップロードしてください。プレビューを適用するまで何も変更されません。
console-import-file = メンバーファイル（.xlsx または .csv）
console-import-preview = インポートをプレビュー
console-import-preview-label = インポートのプレビュー
console-col-row = 行
console-col-changes = 変更内容
console-col-messages = メッセージ
console-import-apply = インポートを適用
console-import-fix-errors = ファイルのエラーを修正してもう一度アップロードしてください。エラーがある間は適用できません。
console-import-another = 別のファイルをアップロード
console-import-refresh = 再読み込みして進行状況を確認
console-import-file-label = ファイル

## Branding tab

console-tab-branding = ブランディング
console-brand-shown-as = メンバーには { $name } と表示
console-branding-title = { $org } のブランディング
console-branding-intro = この組織のサインインページとメールでメンバーに表示される内容です。下位組織は独自に設定しない限り各値を継承します。継承した値を使うには欄を空にしてください。
console-branding-name = 表示名
console-branding-name-hint = サインインページとメールに表示する組織名（1〜80 文字）
console-branding-colour = メインカラー
console-branding-colour-hint = #2353c8 のように #rrggbb で入力。ボタンの文字色は白と黒のうち読みやすい方になります
console-branding-support = サポート窓口
console-branding-support-hint = メールアドレスまたは https:// のアドレス。サインインページとエラーページに表示されます
console-branding-no-name = なし: 組織名 { $org } を使用
console-branding-no-colour = なし: idp の標準の色
console-branding-none = なし
console-branding-no-logo = この組織にも上位の組織にもロゴは設定されていません。
console-branding-logo-here = ここで設定。
console-branding-save = ブランディングを保存
console-branding-logo = ロゴ
console-branding-logo-file = ロゴファイル（PNG、JPEG、WebP、GIF、最大 { $kb } KB）
console-branding-logo-hint = ファイルの種類は内容から判断します。SVG のロゴは受け付けません。
console-branding-upload = ロゴをアップロード
console-branding-remove-logo = この組織のロゴを削除
console-branding-nothing = 変更する内容はありません。
console-branding-saved = ブランディングを保存しました。
console-branding-logo-saved = ロゴを保存しました。
console-branding-logo-removed = ロゴを削除しました。
console-branding-no-own-logo = この組織には独自のロゴがありません。
console-branding-choose-file = アップロードするロゴファイル（PNG、JPEG、WebP、GIF）を選んでください。
console-branding-logo-too-large = ロゴが 256 KB を超えています。もっと小さいファイルをアップロードしてください。
console-brand-bad-colour = メインカラーは #2353c8 のように # の後に 16 進数 6 桁の #rrggbb で入力してください。"{ $value }" は使えません。
console-brand-bad-name = 表示名は制御文字を含まない 1〜80 文字にしてください。
console-brand-bad-support = サポート窓口はメールアドレスか https:// のアドレスにしてください。"{ $value }" は使えません。
console-brand-svg = SVG のロゴは受け付けません。PNG、JPEG、WebP、GIF をアップロードしてください。
console-brand-too-large = ロゴは { $kb } KB です。ロゴは最大 256 KB までです。
console-brand-empty = ロゴファイルが空です。PNG、JPEG、WebP、GIF をアップロードしてください。
console-brand-not-an-image = 名前にかかわらず、このファイルは PNG、JPEG、WebP、GIF の画像ではありません。そのいずれかをアップロードしてください。
console-branding-revert-label = { console-revert }: { $setting }

## Refused policy settings and form values (idp-core's refusals; setting names and
## values stay as the administrator sent them)

console-policy-not-an-object = ポリシー設定は、名前と値の組からなるオブジェクトで指定してください。
console-policy-unknown-setting = { $name } はポリシー設定ではありません。設定は次のとおりです: { $settings }。
console-policy-not-one-of = { $name } には { $choices } のいずれかを指定してください。{ $value } は指定できません。
console-policy-not-whole-number = { $name } には 0 以上の整数を指定してください。{ $value } は指定できません。
console-policy-not-true-or-false = { $name } には true か false を指定してください。{ $value } は指定できません。
console-policy-not-a-list = { $name } にはリストを指定してください。{ $value } は指定できません。
console-policy-refused-value = { $name } に { $value } は指定できません。
console-policy-unreadable = ポリシー設定を読み取れません。
console-policy-out-of-range = { $name } は { $min }〜{ $max } の範囲で指定してください。
console-policy-root-only = email_password_login はメインの組織でのみ設定できます。
console-policy-bad-domain = google_hosted_domains の「{ $value }」は、example.com のような小文字のドメイン名ではありません。
console-policy-bad-tenant = entra_allowed_tenants の「{ $value }」は、テナント ID（GUID）ではありません。
console-input-not-a-number = { $label }:「{ $text }」は数値ではありません。30 や 30 { $unit } のように整数で入力してください。
console-input-not-whole = 「{ $label }」は { $unit } 単位の整数で数えます。「{ $text }」は { $unit } 単位の整数になりません。
console-input-out-of-range = 「{ $label }」は { $min }〜{ $max } { $unit } の範囲で指定してください。
console-input-bad-domain = 許可する Google ドメイン:「{ $value }」は、example.com のような小文字のドメイン名ではありません。
console-input-bad-tenant = 許可する Entra テナント:「{ $value }」は、テナント ID（GUID）ではありません。

## Administration refusals (idp-core's AdminError)

console-refusal-unknown-org = ID またはスラッグが「{ $ref }」の組織はありません。
console-refusal-unknown-member = その組織にアドレスが「{ $email }」のメンバーはいません。
console-refusal-unknown-member-id = ID が「{ $id }」のメンバーはいません。
console-refusal-unknown-client = ID が「{ $id }」のアプリケーションはありません。
console-refusal-duplicate-slug = スラッグが「{ $slug }」の組織はすでにあります。
console-refusal-duplicate-email = { $email } はすでにこの組織のメンバーです。
# $permission is the area's API name; $area its name in the console.
console-refusal-forbidden = この組織の「{ $area }」の権限がありません。
console-refusal-would-lock-you-out = あなた自身のアドレス { $ip } がこのリストにありません。保存するとアクセスできなくなります。それでも保存する場合は確認してください。
console-refusal-keys-super-admin-only = 署名鍵を管理できるのはスーパー管理者だけです。
console-refusal-password-length = パスワードは { $min }〜{ $max } 文字にしてください。
console-refusal-email-login-off = { $org } ではメールアドレスとパスワードによるサインインがオフです。先に「認証」でオンにしてください。
console-refusal-move-target-missing = メンバーの移動先の組織を選んでください。
console-refusal-too-many = 1 回の操作で変更できるメンバーは { $limit } 人までです。選択を絞り込んでください。
console-refusal-bootstrap-link-invalid = 初回セットアップのリンクが不明か、使用済みか、期限切れです。
console-refusal-already-bootstrapped = スーパー管理者はすでにいます。
console-refusal-cannot-delete-root = メインの組織は削除できません。
console-refusal-stale-by = { $who } が { $at } に変更しました。再読み込みしてからもう一度お試しください。
console-refusal-stale = { $at } に変更されました。再読み込みしてからもう一度お試しください。
console-refusal-totp-import-cli-only = 認証アプリのシークレットは idp コマンドでのみインポートできます。
console-refusal-member-name = 名前は制御文字を含めず { $max } 文字以内にしてください。
console-refusal-super-admin-only = スーパー管理者を削除できるのはスーパー管理者だけです。
console-refusal-cannot-delete-yourself = 自分自身は削除できません。
console-refusal-last-super-admin = 最後のスーパー管理者です。先に別のスーパー管理者を指定してください。
console-refusal-unknown-registration-token = ID が「{ $id }」の登録トークンはありません。

## Audit log filters that cannot be used

console-filter-bad-from = 「開始日」には日付または RFC 3339 形式の日時を指定してください。
console-filter-bad-until = 「終了日」には日付または RFC 3339 形式の日時を指定してください。
console-filter-unknown-activity = 不明なアクティビティの種類「{ $value }」です。
console-filter-unknown-event = 不明なイベント「{ $value }」です。
console-filter-unknown-info = 不明な情報の種類「{ $value }」です。

## Member list filters that cannot be used

console-members-filter-page-size = 1 ページに表示できるのは 25、50、100、500 人のいずれかです。
console-members-filter-search-too-long = 検索語が { $max } 文字を超えています。
console-members-filter-bad-cursor = ページのリンクが壊れています。最初のページからやり直してください。
console-members-filter-bad-date = 「{ $text }」は 2026-12-31 のような日付ではありません。
console-members-filter-empty-range = サインインの期間が、始まる前に終わっています。

## What a bulk action did to each member ($status: active, on_leave, disabled)

console-bulk-status-set = 状態を{ $status ->
    [on_leave]「休職中」
    [disabled]「無効」
   *[active]「有効」
}にしました。
console-bulk-email-login-on = メールでのサインインをオンにし、ウェルカムメールを送信しました。
console-bulk-email-login-off = メールでのサインインをオフにし、パスワードと保留中のリンクを削除しました。
console-bulk-reset-email-sent = パスワード再設定メールを送信しました。
console-bulk-second-factor-reset = 2 段階認証の要素をリセットしました。
console-bulk-moved-to = { $org } に移動しました。
console-bulk-temporary-password-emailed = 仮パスワードをメールで送信しました。
console-bulk-member-gone = このメンバーはもう存在しません。
console-bulk-org-gone = メンバーの組織はもう存在しません。
# $permission is the area's API name; $area its name in the console.
console-bulk-not-permitted = { $org } に対する「{ $area }」の権限がありません。
console-bulk-already-status = すでに{ $status ->
    [on_leave]休職中
    [disabled]無効
   *[active]有効
}です。
console-bulk-own-status = 自分のアカウントの状態は変更できません。
console-bulk-email-login-already-on = メールでのサインインはすでにオンです。
console-bulk-email-login-off-for = { $org } ではメールアドレスとパスワードによるサインインがオフです。
console-bulk-email-login-already-off = メールでのサインインはすでにオフです。
console-bulk-own-email-login = 自分のメールでのサインインはオフにできません。
console-bulk-no-email-login = このメンバーはメールアドレスとパスワードでサインインしません。
console-bulk-no-second-factor = このメンバーには 2 段階認証の要素がありません。
console-bulk-already-in = すでに { $org } にいます。
console-passkey-sign-in-label = パスキーだけでのサインイン
console-passkey-sign-in-allowed = 許可する
console-passkey-sign-in-not-allowed = 許可しない
console-passkey-sign-in-allowed-now = 許可
console-passkey-sign-in-not-allowed-now = 不許可
console-passkey-sign-in-revert-label = パスキーだけでのサインインを継承値に戻す
console-passkeys = パスキー
console-passkey-named = パスキー「{ $name }」

# Text-message codes and the allowed kinds of second factor
console-phone-verified = { $number }、{ $since } に確認、最終使用: { $used }
console-phone-unverified = { $number }、未確認
console-policy-no-second-factor = 少なくとも 1 種類の 2 要素認証を許可してください。
console-policy-second-factor-twice = 2 要素認証の種類 { $kind } が 2 回指定されています。
console-kind-totp = 認証アプリ
console-kind-passkey = パスキー
console-kind-email-code = メールのコード
console-kind-sms-code = テキストメッセージのコード
console-kinds-heading = 許可する 2 要素認証の種類
console-kinds-legend = メンバーが 2 要素認証に使える方法
console-kinds-sms-restricted = テキストメッセージのコードは制限付きの認証手段です(NIST SP 800-63B §5.1.3.3)。電話番号は持ち主の知らないうちに移転・転送されることがあります。ほかに手段のないメンバーのためだけに許可し、別の種類も許可しておいてください。
console-kinds-save = 許可する種類を保存
console-kinds-saved = 許可する 2 要素認証の種類を保存しました。
console-second-factor-sms = テキストメッセージのコード

console-policy-bad-aaguid = passkey_aaguids の「{ $value }」は、認証器モデルの AAGUID（UUID）ではありません。
console-policy-passkey-required-not-allowed = 許可する 2 要素目の種類にパスキーが含まれていないため、管理者にパスキーを必須にできません。
console-admins-passkey-label = 管理者はパスキーを必須とする
console-admins-passkey-required = 必須
console-admins-passkey-not-required = 必須にしない
console-admins-passkey-required-now = 必須
console-admins-passkey-not-required-now = 必須ではない
console-admins-passkey-revert-label = 管理者のパスキー必須を継承した値に戻す
console-counter-regression-label = カウンターが戻ったパスキー
console-counter-regression-refuse = 拒否する
console-counter-regression-allow = 許可する（記録する）
console-counter-regression-revert-label = カウンターが戻ったパスキーの扱いを継承した値に戻す
console-aaguids-label = パスキーを許可する認証器モデル（AAGUID）
console-aaguids-hint = 1 行に 1 つ。空欄はすべてのモデル。アテステーションがない場合、モデルは認証器自身の申告です。
console-aaguids-any = すべてのモデル
console-aaguids-revert-label = 認証器モデルを継承した値に戻す
console-input-bad-aaguid = 認証器モデル:「{ $value }」は、認証器モデルの AAGUID（UUID）ではありません。
