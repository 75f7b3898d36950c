<?php
$string['pluginname'] = 'Static request cache';
