# サインイン中に表示するページと、すべてのページで共通の文言。

## Shared

language-label = 言語
page-suffix = idp
date = { $year }年{ $month }月{ $day }日
datetime = { $year }年{ $month }月{ $day }日 { $time } { $zone }
start-again = 最初からやり直す
back-to-sign-in = サインインに戻る
go-to-sign-in = サインインページへ
continue = 続ける
email-label = メールアドレス
throttled-seconds = 試行回数が多すぎます。{ $count } 秒待ってから、もう一度お試しください。
throttled-minutes = 試行回数が多すぎます。{ $count } 分待ってから、もう一度お試しください。
too-many-sign-ins = 現在サインインが集中しています。しばらくしてからもう一度お試しください。
error-title-503 = 一時的に利用できません
error-message-503 = ただいまサービスが応答できません。数秒後にもう一度お試しください。

## Sign-in

login-title = サインイン
login-continue-to = { $app } を続けるにはサインインしてください
login-with-provider = { $provider } で続ける
login-or-email = またはメールアドレスでサインイン
login-password = パスワード
login-submit = サインイン
login-forgot = パスワードをお忘れですか？アカウントがロックされましたか？
login-upstream-only = この組織は Google または Microsoft でのみサインインできますが、現在どちらも利用できません。管理者にお問い合わせください。
login-wrong = メールアドレスまたはパスワードが正しくありません。何度も間違えるとアカウントがロックされます。ロックを解除するには、下のリンクから新しいパスワードを設定してください。
login-locked = パスワードの誤りが多すぎたため、アカウントがロックされています。ロックを解除するには、下のリンクから新しいパスワードを設定してください。メールでリンクをお送りします。
login-on-leave = お使いのアカウントは休職中のため、復帰されるまでサインインが停止されています。
login-ip-refused = 組織の設定により、このネットワーク（{ $ip }）からはサインインできません。許可されたネットワークから接続するか、管理者にお問い合わせください。
journey-stopped-title = サインインを続行できません
journey-disabled = サインイン中にこのアカウントは無効になりました。組織の管理者にお問い合わせください。

## Second factor

second-factor-title = 2 段階目の確認
second-factor-heading = ご本人の確認
codes-left = リカバリーコード残り { $count } 個
second-factor-codes-low = リカバリーコードの残りは { $count } 個です。サインイン後、セキュリティページで新しいコードを作成してください。
second-factor-recovery-label = リカバリーコード
second-factor-recovery-hint = 認証アプリを設定したときに保存したコードのいずれかです。各コードは 1 回だけ使えます。
second-factor-email-sent = メールアドレスに 6 桁のコードを送信しました。10 分間有効です。
second-factor-email-label = メールに記載されたコード
second-factor-totp-label = 認証アプリに表示されたコード
second-factor-other-ways = その他の方法
second-factor-use-totp = 認証アプリを使う
second-factor-use-recovery = リカバリーコードを使う
second-factor-send-another = コードを再送信
second-factor-email-me = コードをメールで受け取る
second-factor-wrong-code = コードが正しくありません。確認してもう一度お試しください。
second-factor-wrong-code-left = コードが正しくありません。あと { $count } 回間違えると、2 段階目のサインインが 24 時間ロックされます。
second-factor-locked = リクエストが多すぎます。2 段階目のサインインは { $until } までロックされています。組織の管理者が 2 段階認証をリセットすると、それより早く解除できます。
second-factor-not-set-up = この方法はこのアカウントで設定されていません。
second-factor-expired = 設定の有効期限が切れました。最初からやり直してください。
second-factor-too-many-emails = 送信したコードが多すぎます。しばらく待ってから再度お試しください。
second-factor-wrong-password = パスワードが正しくありません。
second-factor-forbidden = この操作を行う権限がありません。

## Setting up an authenticator app

enrol-title = 認証アプリの設定
enrol-required = 組織がサインイン時に 2 段階目の確認を求めています。続けるには認証アプリを設定してください。
enrol-step-open = Google Authenticator、Microsoft Authenticator、FreeOTP、Authy などの認証アプリを開き、アカウントを追加します。
enrol-step-scan = この QR コードを読み取ります：
enrol-qr-label = 認証アプリ用の QR コード
enrol-type-key = または、このキーを入力します：
enrol-open-here = このデバイスの認証アプリで開く
enrol-step-code = アプリに表示された 6 桁のコードを入力します。
enrol-code-label = 6 桁のコード
enrol-submit = 有効にする
enrol-sign-in-title = 2 段階目の確認の設定
enrol-required-choose = 組織がサインイン時に 2 段階目の確認を求めています。続けるには次のいずれかを設定してください。
enrol-app-heading = 認証アプリ
enrol-passkey-heading = パスキー
enrol-passkey-hint = デバイスの画面ロック (PIN、指紋、顔) またはセキュリティキーを使います。
enrol-email-heading = メールで届くコード
enrol-email-hint = サインインのたびに { $email } にコードが送られます。
enrol-email-submit = メールでコードを受け取る
enrol-none-title = 2 段階目の確認が必要です
enrol-none = 組織がサインイン時に 2 段階目の確認を求めていますが、許可されている方法はここでは設定できません。管理者に設定を依頼してください。

## Recovery codes

recovery-codes-title = リカバリーコード
recovery-codes-heading = リカバリーコードを保存してください
recovery-codes-explain = スマートフォンをなくした場合、認証アプリのコードの代わりにこれらのコードで 1 回ずつサインインできます。コードが表示されるのは今回だけです。
recovery-codes-download = テキストファイルでダウンロード
recovery-codes-saved = 保存しました。続ける
recovery-codes-file = リカバリーコード。各コードは認証アプリのコードの代わりに 1 回だけ使えます。

## Consent

consent-title = アクセスの許可
consent-heading = { $app } にアカウントへのアクセスを許可しますか？
consent-asks = { $email } としてサインインしています。{ $app } は次の許可を求めています：
consent-allow = 許可する
consent-deny = 拒否する
scope-openid = あなたが誰であるかの確認（アカウント識別子）
scope-profile = 名前、ユーザー名、言語の参照
scope-email = メールアドレスの参照
scope-offline_access = 使用していないときもサインイン状態を維持

## Signing out

logout-title = サインアウト
logout-heading = サインアウトしますか？
logout-app-asks = { $app } が idp からのサインアウトを求めています。
logout-this-browser = このブラウザーで idp からサインアウトします。
logout-submit = サインアウト
logout-refused-title = サインアウトのリクエストを受け付けられませんでした
logout-hint-not-ours = アプリケーションから、このサーバーが発行していないサインアウト要求 (id_token_hint) が届きました。アプリケーションに戻って、もう一度サインアウトしてください。
logout-client-mismatch = サインアウト要求に 2 つの異なるアプリケーション (client_id と id_token_hint) が指定されています。アプリケーションに戻って、もう一度サインアウトしてください。
logout-unregistered-redirect = アプリケーションが登録していないアドレス (post_logout_redirect_uri) への戻りを求めたため、サインアウトしませんでした。アプリケーションの管理者に伝えてください。
logout-done-title = サインアウトしました
logout-done-message = このブラウザーで idp からサインアウトしました。

## Passwords

change-password-title = 新しいパスワードの設定
change-password-expired = パスワードが仮のものか、有効期限が切れています。続けるには新しいパスワードを設定してください。
change-password-new = 新しいパスワード
change-password-again = 新しいパスワード（確認）
change-password-submit = 新しいパスワードを保存
password-rules = { $classes ->
    [0] { $length } 文字以上で、名前やアドレス、よく使われるパスワードは避けてください。
   *[other] { $length } 文字以上で、小文字・大文字・数字・その他の文字のうち { $classes } 種類を組み合わせ、名前やアドレス、よく使われるパスワードは避けてください。
}
password-too-short = { $count } 文字以上にしてください。
password-too-long = { $count } 文字以内にしてください。
password-too-few-classes = 小文字・大文字・数字・その他の文字のうち { $count } 種類以上を組み合わせてください。
password-personal = パスワードにメールアドレスや名前を含めないでください。
password-common = よく使われているパスワードです。別のものを選んでください。
password-reused = 最近使っていないパスワードを選んでください。
password-mismatch = 2 つのパスワードが一致しません。
passwords-differ = 2 つのパスワードが異なります。
forgot-title = パスワードの再設定
forgot-heading = パスワードをお忘れですか？
forgot-sent = このアドレスでサインインするアカウントがあれば、新しいパスワードを設定するためのリンクを送信しました。メールをご確認ください。
forgot-submit = リンクをメールで受け取る
link-dead-title = このリンクは使用できません
link-dead-message = このリンクは不明か、使用済みか、有効期限が切れています。サインインページの「パスワードをお忘れですか？」から新しいリンクを依頼してください。
password-saved-title = 新しいパスワードを保存しました
password-saved-message = すべての場所でサインアウトしました。新しいパスワードでもう一度サインインしてください。
recovery-link-title = リカバリーリンクでサインイン
recovery-link-dead-title = このサインインリンクは使用できません
account-disabled-title = このアカウントは無効になっています
account-disabled-message = このアカウントは無効になっています。別の特権管理者が再び有効にできます。
recovery-link-explain = このリンクは、ほかにサインインする方法がない管理者のためにサーバーで作成されました。1 回だけ使えます。
recovery-link-submit = このリンクでサインイン
recovery-link-dead = このリンクは不明か、使用済みか、有効期限が切れています。リカバリーリンクで一度サインインすると使えなくなります。サーバーの運用者に新しいリンクを依頼する（{ $command }）か、別の方法でサインインしてください。

## Errors on the way

authorize-bad-link-title = このサインインリンクは使用できません
authorize-client-gone = このページに案内したアプリケーションは登録されていません。
signin-expired-title = サインインの有効期限が切れました
signin-expired-message = アプリケーションに戻って、最初からやり直してください。

## Error pages and the start page

error-title-400 = このリクエストは処理できません
error-title-401 = 先にサインインしてください
error-title-403 = 許可されていません
error-title-404 = ページが見つかりません
error-title-409 = 別の変更と競合しました
error-title-410 = このリンクは使用できません
error-title-413 = 大きすぎます
error-title-429 = リクエストが多すぎます
error-title-500 = 問題が発生しました
error-message-400 = ページから送信された内容を使用できませんでした。前のページに戻って、もう一度お試しください。
error-message-401 = このページはサインインしている方のみ利用できます。
error-message-403 = このアカウントではこの操作はできません。必要な場合は管理者にお問い合わせください。
error-message-404 = このアドレスにはページがありません。アドレスを確認するか、スタートページからやり直してください。
error-message-409 = 同じ項目が同時に変更されました。ページを再読み込みして最新の内容を確認してから、もう一度お試しください。
error-message-410 = このリンクは使用済みか、期限切れか、もともと無効です。新しいリンクを依頼してください。
error-message-413 = 送信された内容が、このページで受け付けられるサイズを超えています。
error-message-429 = リクエストが多すぎます。しばらく待ってから、もう一度お試しください。
error-message-500 = サーバー側で問題が発生しました。しばらくしてからもう一度お試しください。続く場合は管理者に連絡してください。
error-operation = 管理者への参照番号: { $operation }
error-go-back = 戻ってもう一度試す
error-try-again = もう一度試す
error-start-page = スタートページへ
error-sign-in = サインイン
form-expired = このフォームは期限切れか、このサイトから送信されたものではありません。前のページに戻り、再読み込みしてからもう一度お試しください。
export-link-gone = このダウンロードリンクは不明か、使用済みか、期限切れです。コンソールでエクスポートをもう一度依頼してください。
export-sign-in-first = このエクスポートを依頼した管理者としてサインインしてから、もう一度リンクを開いてください。
landing-title = アカウント
landing-message = サインインすると、サインイン中の場所、セキュリティ設定、許可したアプリケーションを確認できます。
landing-sign-in = サインイン
bootstrap-open-console = コンソールにサインイン
password-saved-sign-in = サインイン
password-first-title = パスワードを設定
password-first-hint = メールアドレスと一緒にサインインに使うパスワードです。
password-first-saved-title = パスワードを設定しました
password-first-saved-message = メールアドレスと、いま設定したパスワードでサインインしてください。

security-change-password = パスワードを変更
security-done-password = 新しいパスワードを保存しました。このブラウザーではサインインしたままで、ほかのすべてのセッションはサインアウトしました。
password-current = 現在のパスワード
password-first-label = パスワード
password-first-submit = パスワードを保存
password-back-to-security = セキュリティ設定に戻る
password-wrong-current = 現在のパスワードが正しくありません。
password-too-many-tries = 試行回数が多すぎます。15分待ってから、もう一度お試しください。
password-email-sign-in-off = このアカウントはパスワードでサインインしないため、変更するパスワードはありません。

## Connecting a device

device-title = デバイスの接続
device-explain = テレビ、ゲーム機、またはコマンドラインツールに表示されたコードを入力してください。
device-code-label = デバイスに表示されたコード
device-code-hint = BCDF-GHJK のような 8 文字の英字です。大文字・小文字やハイフンの有無は問いません。
device-code-wrong = コードが正しくないか、有効期限が切れています。デバイスに表示されたコードをご確認ください。
device-confirm-title = { $app } の接続
device-confirm-heading = { $app } をアカウントに接続しますか？
device-confirm-explain = { $email } としてサインインしています。ご自身のデバイスで開始し、入力したコードがそのデバイスに表示されている場合にのみ許可してください。
device-confirm-asks = { $app } は次の許可を求めています：
device-expired-title = このコードは有効期限が切れています
device-expired-message = デバイスで最初からやり直して、新しいコードを取得してください。
device-refused-title = このデバイスは接続できません
device-connected-title = デバイスを接続しました
device-connected-message = デバイスに戻ってください。数秒以内にサインインします。
device-denied-title = リクエストを拒否しました
device-denied-message = デバイスは接続されませんでした。このページは閉じてかまいません。

## First run

bootstrap-title = idp のセットアップ
bootstrap-heading = 特権管理者の作成
bootstrap-explain = この idp にはまだ管理者がいません。この 1 回限りのページで、メインの組織と最初の管理者を作成します。
bootstrap-org-name = 組織名
bootstrap-your-name = お名前
bootstrap-password-again = パスワード（確認）
bootstrap-submit = 管理者を作成
bootstrap-link-dead = この初回セットアップ用リンクは不明か、使用済みか、有効期限が切れています。管理者がまだいない場合は、idp を再起動して新しいリンクを表示してください。
bootstrap-done-title = 特権管理者を作成しました
bootstrap-done-message = このメールアドレスとパスワードでサインインできるようになりました。

## Account and security

signed-in-as = { $email } としてサインインしています。
unknown-browser = 不明なブラウザー
browser-on-system = { $system } の { $browser }
account-title = アカウント
account-console = 管理コンソール
account-security-link = セキュリティ：2 段階認証とリカバリーコード
account-name = 名前
account-job-title = 役職
account-phone = 電話番号
account-sessions = サインイン中の場所
account-device = ブラウザーとデバイス
account-ip = IP アドレス
account-started = 開始
account-last-active = 最終アクティビティ
account-this-browser = （このブラウザー）
account-sign-out = サインアウト
account-methods = サインイン方法
method-native = メールアドレスとパスワード
method-google = Google アカウント
method-entra = Microsoft アカウント
account-method = 方法
account-last-sign-in = 最終サインイン
account-sign-ins = サインイン回数
account-last-ip = 最終 IP
account-consents = 許可したアプリケーション
account-application = アプリケーション
account-allowed = 許可した内容
account-since = 許可した日
account-withdraw = 取り消す
account-actions = 操作
account-sign-out-device = { $device } からサインアウト
account-withdraw-from = { $app } への許可を取り消す
account-no-methods = サインインの記録はまだありません。
account-no-consents = 情報の閲覧を許可したアプリケーションはまだありません。
security-unlink-provider = { $provider } アカウントのリンクを解除
account-sign-out-all = このブラウザーですべてサインアウト
account-preferences = 言語とタイムゾーン
account-language = 言語
account-language-browser = ブラウザーの設定に従う
account-time-zone = タイムゾーン
account-time-zone-hint = Europe/Berlin や Asia/Tokyo のような名前を入力します。空欄の場合はブラウザーのタイムゾーンを使います。
account-save = 保存
account-saved = 言語とタイムゾーンを保存しました。
account-bad-zone = { $zone } は Europe/Berlin や Asia/Tokyo のようなタイムゾーン名ではありません。
security-title = セキュリティ
security-never = なし
security-locked = 誤ったコードが何度も入力されたため、{ $until } まで 2 段階認証でのサインインがロックされています。管理者はそれより前に解除できます。
security-password-changed = パスワードの最終変更
security-last-sign-in = 最終サインイン
security-when-from = { $when }（{ $ip } から）
security-last-reset = 2 段階認証の最終リセット
security-linked = リンク済みアカウント
security-linked-hint = これらのアカウントでサインインできます。各アカウントはそれぞれの 2 段階認証で保護されています。
security-account = アカウント
security-linked-on = リンクした日
security-sign-ins = サインイン回数
security-unlink = リンクを解除
security-methods = 2 段階認証の方法
security-method = 方法
security-state = 状態
security-added = 追加日
security-last-used = 最終使用
security-on = オン
security-off = オフ
security-method-totp = 認証アプリ
security-method-email = メールで届くコード
security-method-recovery = リカバリーコード
security-codes-left = リカバリーコードの残りは { $count } 個です。
security-new-codes = 新しいリカバリーコードを作成
security-remove-totp = 認証アプリの削除
security-your-password = パスワード
security-remove-totp-submit = 認証アプリとリカバリーコードを削除
security-set-up-totp = 認証アプリを設定
security-email-stop = メールでのコード送信をやめる
security-email-start = サインイン時にメールでコードを受け取る
security-reset = すべての 2 段階認証をオフにする
security-reset-submit = 2 段階認証をリセット
security-done-removed = 認証アプリとリカバリーコードを削除しました。
security-done-reset = すべての 2 段階認証の方法をオフにしました。
security-done-email-on = メールで届くコードをオンにしました。
security-done-email-off = メールで届くコードをオフにしました。
security-done-unlinked = アカウントのリンクを解除しました。このアカウントではここにサインインできなくなりました。

# --- Branding (organization logo and support contact in the page layout) ---
brand-logo-alt = { $org } のロゴ
brand-support = お困りの場合はサポートにお問い合わせください：

## Sign-in with Google or Microsoft that did not work (routes/federated.rs)

federation-failed-title = { $provider } でサインインできませんでした
federation-unreachable = { $provider } が現在応答していません。数分後にもう一度お試しいただくか、別の方法でサインインしてください。
federation-bad-answer = { $provider } から利用できない応答が返されました。後でもう一度お試しいただくか、別の方法でサインインしてください。
federation-invalid-token = { $provider } からのサインインを確認できなかったため、拒否しました。最初からやり直してください。
federation-consent-granted-title = 同意が完了しました
federation-consent-granted = Microsoft Entra ID に組織の同意が記録されました（テナント { $tenant }）。メンバーは個別に同意を求められることなく Microsoft でサインインできるようになりました。このページは閉じてかまいません。
federation-consent-refused-title = 同意されませんでした
federation-consent-refused = Microsoft Entra ID に同意が記録されませんでした（{ $error }）。組織のテナントの管理者としてサインインした状態で、リンクをもう一度開いて承認してください。
federation-invalid-state = このサインインは有効期限が切れているか、すでに使われているか、このブラウザーで開始されたものではありません。サインインページからやり直してください。
federation-cancelled = { $provider } でのサインインがキャンセルまたは拒否されました（access_denied）。もう一度始めることができます。
federation-consent-required = { $provider } があなたの情報を共有するには、先に同意が必要です（{ $code }）。もう一度始めて承認するか、組織としての同意を管理者に依頼してください。
federation-upstream-error-described = { $provider } でサインインできませんでした（{ $code }）: { $description }
federation-upstream-error = { $provider } でサインインできませんでした（{ $code }）。
federation-no-code = プロバイダーからの応答に認可コードが含まれていませんでした。最初からやり直してください。
federation-provider-not-allowed = 所属組織では { $provider } でのサインインが許可されていません。
federation-email-not-verified = { $provider } がこのメールアドレスを確認していないため、ここでのサインインには使えません。
federation-domain-not-allowed = 所属組織では { $domain } の Google アカウントを受け入れていません。
federation-tenant-not-allowed = 所属組織ではこのディレクトリ（テナント { $tenant }）の Microsoft アカウントを受け入れていません。
federation-no-account = この { $provider } のサインインに一致するアカウントがなく、初回サインイン時にアカウントは作成されません。管理者に追加を依頼してください。
federation-disabled = このアカウントは無効になっています。管理者にお問い合わせください。

# Passkeys
passkey-error-disabled = このサーバーではパスキーを使用できません。
passkey-error-expired = パスキーの要求の有効期限が切れました。もう一度始めてください。
passkey-error-name = パスキーに1〜64文字の名前を付けてください。
passkey-error-too-many = 登録できるパスキーの上限に達しています。先に1つ削除してください。
passkey-error-not-found = そのパスキーは一覧にありません。
passkey-error-unknown = そのパスキーはここに登録されていません。
passkey-error-excluded = そのパスキーはすでに登録されています。
passkey-error-cross-origin = パスキーが別のサイト向けに応答しました。
passkey-error-challenge = パスキーの応答はこの要求のものではありません。もう一度始めてください。
passkey-error-signature = パスキーの応答を検証できませんでした。
passkey-error-user-not-verified = パスキーが本人確認（PIN、指紋、顔）を行いませんでした。もう一度試し、デバイスで確認してください。
passkey-error-counter = このパスキーは複製された可能性があります（カウンターが戻りました）。別の方法を使い、管理者に知らせてください。
passkey-error-not-allowed = 組織はパスキーだけでのサインインを許可していません。メールアドレスとパスワードでサインインしてください。
security-passkeys = パスキー
security-passkeys-hint = パスキーを使うと、コードの代わりにデバイスの画面ロック（PIN、指紋、顔）でサインインできます。
security-no-passkeys = パスキーはまだありません。
security-passkey-name = パスキーの名前
security-add-passkey = パスキーを追加
security-remove-passkey = 削除
security-remove-passkey-named = パスキー「{ $name }」を削除
security-done-passkey-added = パスキーを追加しました。
security-done-passkey-removed = パスキーを削除しました。
passkey-needs-script = パスキーには JavaScript と対応ブラウザーが必要です。JavaScript を有効にするか、別の方法を使ってください。
passkey-cancelled = パスキーは使われませんでした（ブラウザーまたはデバイスが中止しました）。もう一度試すか、別の方法を使ってください。
security-remove-passkey-password = 「{ $name }」を削除するためのパスワード
second-factor-use-passkey = パスキーを使う
login-with-passkey = パスキーでサインイン
# Text-message codes and the allowed kinds of second factor
phone-no-country-code = 国番号を含め、+ で始まる番号を入力してください(例: +81 90 1234 5678)。
phone-not-a-number = 電話番号に使えるのは数字、空白、ハイフン、ピリオド、括弧だけです。
phone-wrong-length = 電話番号としては短すぎるか長すぎます。
second-factor-too-many-texts = 送信したテキストメッセージが多すぎます。しばらく待ってから再度お試しください。
second-factor-text-not-sent = テキストメッセージを送信できませんでした。後でもう一度試すか、メールでコードを受け取ってください。
second-factor-not-allowed = この種類の 2 要素認証は組織で許可されていません。
second-factor-phone-in-use = 電話番号はすでに設定されています。別の番号を追加する前に削除してください。
second-factor-sms-sent = { $number } にテキストメッセージでコードを送信しました。10 分間有効です。
second-factor-sms-label = テキストメッセージのコード
second-factor-sms-send = テキストメッセージでコードを送信
second-factor-sms-send-another = テキストメッセージを再送信
security-method-sms = テキストメッセージのコード
security-done-phone-sent = 電話にコードを送信しました。下に入力して番号を確認してください。
security-done-phone-verified = 電話番号が確認されました。これからはテキストメッセージでサインインコードを受け取れます。
security-done-phone-removed = 電話番号を削除しました。
security-phone-verified = コードは { $number } に送信されます。
security-phone-waiting = { $number } は送信したコードでの確認待ちです。
security-phone-code = テキストメッセージのコード
security-phone-verify = 番号を確認
security-phone-resend = コードを再送信
security-phone-remove = 電話番号を削除
security-phone-hint = テキストメッセージは認証アプリより弱い 2 要素認証です。番号は乗っ取られることがあります。ほかの方法が使えない場合に使ってください。
security-phone-label = 国番号付きの携帯電話番号
security-phone-add = この番号にコードを送信
passkey-error-not-offered = 組織ではパスキーを使用していません。別の方法を使ってください。

journey-passkey-required = 組織の管理者は 2 要素目にパスキーを使う必要がありますが、パスキーが登録されていません。別の管理者にこのルールを一時的に無効にしてもらう（または管理者の権限を外してもらう）よう依頼し、その後セキュリティページでパスキーを追加してください。
passkey-error-model = 組織はこの種類の認証器のパスキーを受け付けていません。別の認証器を使ってください。
