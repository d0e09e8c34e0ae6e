# Builds the Windows app: the PyInstaller one-folder bundle (dist\voicelive-desktop\) and, when
# Inno Setup 6 is installed, the installer dist\VoiceLive-Desktop-<version>-setup.exe.
# Needs Python 3.10+ (python.org build) on PATH. Run from anywhere:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Not run in this project's CI (Linux only); see docs/INSTALL.md.
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root
$Venv = Join-Path $Root "build\venv-package"
$Py = Join-Path $Venv "Scripts\python.exe"
$Started = Get-Date

if (-not (Test-Path $Py)) { python -m venv $Venv }
& $Py -m pip install -q --disable-pip-version-check -e ".[package]"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
$Version = & $Py -c "import voicelive_desktop as v; print(v.__version__)"

& $Py -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller `
    packaging\voicelive-desktop.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Bundle = Join-Path $Root "dist\voicelive-desktop"
$SizeMb = [math]::Round((Get-ChildItem $Bundle -Recurse | Measure-Object Length -Sum).Sum / 1MB)
Write-Host "[build] bundle: dist\voicelive-desktop\ $SizeMb MB"

$Iscc = @(
    (Get-Command iscc -ErrorAction SilentlyContinue).Source,
    "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
    "$env:ProgramFiles\Inno Setup 6\ISCC.exe"
) | Where-Object { $_ -and (Test-Path $_) } | Select-Object -First 1
if ($Iscc) {
    & $Iscc /Q "/DAppVersion=$Version" packaging\windows\voicelive-desktop.iss
    if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
    Write-Host "[build] installer: dist\VoiceLive-Desktop-$Version-setup.exe"
} else {
    Write-Host "[build] Inno Setup 6 not found (winget install JRSoftware.InnoSetup); bundle only"
}
Write-Host "[build] done in $([math]::Round(((Get-Date) - $Started).TotalSeconds)) s"
