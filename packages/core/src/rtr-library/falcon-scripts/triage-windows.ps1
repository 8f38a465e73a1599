# riposte built-in: first-look triage of a Windows host.
# Who is logged on, what is listening (with the owning process), and recent logon events
# from the Security log. Read-only. PowerShell 5.1 or later.
param([int]$Events = 50)

$ErrorActionPreference = 'SilentlyContinue'

function Section($title) { "`n===== $title =====" }

Section 'host'
"hostname: $env:COMPUTERNAME"
"time (UTC): $((Get-Date).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ'))"
$os = Get-CimInstance Win32_OperatingSystem
"os: $($os.Caption) $($os.Version)"
"last boot: $($os.LastBootUpTime)"

Section 'logged-on users'
$quser = quser 2>$null
if ($quser) { $quser } else {
  Get-CimInstance Win32_LoggedOnUser |
    ForEach-Object { "$($_.Antecedent.Domain)\$($_.Antecedent.Name)" } |
    Sort-Object -Unique
}

Section 'interactive sessions (explorer.exe owners)'
Get-CimInstance Win32_Process -Filter "Name='explorer.exe'" | ForEach-Object {
  $owner = Invoke-CimMethod -InputObject $_ -MethodName GetOwner
  "$($owner.Domain)\$($owner.User) (pid $($_.ProcessId))"
}

Section 'listening TCP sockets'
$procs = @{}
Get-Process | ForEach-Object { $procs[$_.Id] = $_.ProcessName }
Get-NetTCPConnection -State Listen |
  Sort-Object LocalPort |
  Select-Object LocalAddress, LocalPort, OwningProcess, @{ n = 'Process'; e = { $procs[[int]$_.OwningProcess] } } |
  Format-Table -AutoSize | Out-String -Width 200

Section 'UDP endpoints'
Get-NetUDPEndpoint |
  Sort-Object LocalPort |
  Select-Object LocalAddress, LocalPort, OwningProcess, @{ n = 'Process'; e = { $procs[[int]$_.OwningProcess] } } |
  Format-Table -AutoSize | Out-String -Width 200

Section "recent logon events (last $Events)"
# 4624 logon, 4625 failed logon, 4634 logoff, 4648 explicit credentials, 4672 admin logon.
Get-WinEvent -FilterHashtable @{ LogName = 'Security'; Id = 4624, 4625, 4634, 4648, 4672 } -MaxEvents $Events |
  ForEach-Object {
    $x = [xml]$_.ToXml()
    $d = @{}
    $x.Event.EventData.Data | ForEach-Object { $d[$_.Name] = $_.'#text' }
    [pscustomobject]@{
      Time      = $_.TimeCreated.ToUniversalTime().ToString('s') + 'Z'
      Id        = $_.Id
      User      = "$($d.TargetDomainName)\$($d.TargetUserName)"
      LogonType = $d.LogonType
      Source    = $d.IpAddress
    }
  } | Format-Table -AutoSize | Out-String -Width 200
if (-not $?) { 'Security log not readable (needs SYSTEM or administrator)' }
