# メール。本文は段落ごとに組み立て、リンクは 1 行に単独で置きます。

duration-days = { $count } 日
duration-hours = { $count } 時間
duration-minutes = { $count } 分
email-code-subject = { $issuer } のサインインコード
email-code-code = サインインコードは { $code } です。
email-code-warning = このコードは今から 10 分間、1 回だけ使えます。サインインしようとしていない場合は、パスワードが他人に知られています。パスワードを変更してください。
email-reset-subject = 新しいパスワードの設定
email-reset-intro = { $email } の新しいパスワードの設定がリクエストされました。
email-reset-open = { $duration }以内に次のリンクを開いて、新しいパスワードを設定してください（リンクは 1 回だけ使えます）：
email-reset-ignore = お心当たりがない場合は、このメールを無視してください。パスワードは変更されません。
email-welcome-subject = パスワードの作成
email-welcome-intro = メールアドレス { $email } でサインインできるようになりました。
email-welcome-open = { $duration }以内に次のリンクを開いて、パスワードを作成してください（リンクは 1 回だけ使えます）：
email-temporary-subject = 仮パスワードのお知らせ
email-temporary-intro = 管理者が { $email } の仮パスワードを設定しました：
email-temporary-once = 仮パスワードは 1 回だけ使えます。サインイン直後に新しいパスワードを設定していただきます。
email-export-ready-subject = 監査ログのエクスポートが完了しました
email-export-ready-intro = ご依頼の { $org } の監査ログのエクスポートが完了しました。
email-export-ready-open = { $duration }以内にダウンロードしてください（リンクは 1 回だけ使えます）：
email-export-failed-subject = 監査ログをエクスポートできませんでした
email-export-failed = ご依頼の { $org } の監査ログをエクスポートできませんでした：{ $why }

# --- Branding (organization display name) ---
email-sent-by = 送信元：{ $org }

# Text-message codes and the allowed kinds of second factor
sms-code-body = { $issuer } のサインインコード: { $code }(10 分間有効)。誰にも教えないでください。
